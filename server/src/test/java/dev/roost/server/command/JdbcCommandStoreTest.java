package dev.roost.server.command;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.roost.server.command.CommandStore.Insert;
import dev.roost.server.command.CommandStore.Transition;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.Json;
import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
import dev.roost.server.storage.Database;
import dev.roost.server.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The group commit's writes on a real database (H2, or MariaDB with {@code roost.test.mariadb}). */
@Tag("db")
class JdbcCommandStoreTest {
    private static final DeviceId DEVICE = new DeviceId(5);
    private static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");

    private final TestDatabase database = TestDatabase.create();
    private final Database db = Database.open(database.settings());
    private final JdbcCommandStore store = new JdbcCommandStore(db, Json.newMapper());

    @AfterEach
    void close() {
        db.close();
        database.close();
    }

    @Test
    void insertsAndChangesOfOneBatch_applyInOrder_aChangeAfterItsCommandsInsertIncluded() {
        List<CommandStore.Write> writes = new ArrayList<>();
        for (long id = 1; id <= 150; id++) {
            writes.add(new Insert(command(id, CommandState.SENT, Optional.of("key-" + id))));
        }
        writes.add(new Transition(new CommandId(7), EnumSet.of(CommandState.SENT), CommandState.ACKED, T0,
                Optional.empty(), 0, ""));
        writes.add(new Transition(new CommandId(7), CommandState.RUNNING, CommandState.SUCCEEDED, T0,
                Optional.of(JsonNodeFactory.instance.objectNode().put("ok", true)), 0, ""));
        writes.add(new Transition(new CommandId(8), EnumSet.of(CommandState.QUEUED), CommandState.CANCELLED, T0,
                Optional.empty(), 0, "not queued"));
        writes.add(new Insert(command(151, CommandState.QUEUED, Optional.empty())));

        boolean[] applied = store.writeAll(writes);

        assertThat(applied).hasSize(154);
        assertThat(applied[152]).as("8 was SENT, not QUEUED").isFalse();
        applied[152] = true;
        assertThat(applied).containsOnly(true);
        assertThat(store.find(new CommandId(7)).orElseThrow().state()).isEqualTo(CommandState.SUCCEEDED);
        assertThat(store.find(new CommandId(7)).orElseThrow().result().get("ok").asBoolean()).isTrue();
        assertThat(store.find(new CommandId(8)).orElseThrow().state()).isEqualTo(CommandState.SENT);
        assertThat(store.find(new CommandId(151)).orElseThrow().state()).isEqualTo(CommandState.QUEUED);
        assertThat(store.findByKey(DEVICE, "key-150")).map(Command::id).contains(new CommandId(150));
        assertThat(store.active(DEVICE, 1000)).hasSize(150);
    }

    @Test
    void aTakenIdempotencyKey_storesNothingOfTheBatch_andNamesTheKeyWhenAlone() {
        store.writeAll(List.of(new Insert(command(1, CommandState.SENT, Optional.of("taken")))));

        assertThatThrownBy(() -> store.writeAll(List.of(new Insert(command(2, CommandState.SENT, Optional.of("free"))),
                new Transition(new CommandId(1), CommandState.RUNNING, CommandState.FAILED, T0,
                        Optional.of(JsonNodeFactory.instance.objectNode()), 3, "x"),
                new Insert(command(3, CommandState.SENT, Optional.of("taken"))))))
                .isInstanceOfSatisfying(RoostException.class, e -> assertThat(e.code())
                        .isEqualTo(ErrorCode.ALREADY_EXISTS));
        assertThat(store.find(new CommandId(2))).isEmpty();
        assertThat(store.find(new CommandId(1)).orElseThrow().state()).isEqualTo(CommandState.SENT);

        assertThatThrownBy(() -> store.writeAll(List.of(new Insert(command(3, CommandState.SENT,
                Optional.of("taken"))))))
                .isInstanceOfSatisfying(RoostException.class, e -> assertThat(e.code())
                        .isEqualTo(ErrorCode.ALREADY_EXISTS))
                .hasMessageContaining("idempotency key 'taken' is already used for device 5");
    }

    private static Command command(long id, CommandState state, Optional<String> key) {
        return new Command(new CommandId(id), DEVICE, "exec", JsonNodeFactory.instance.objectNode().put("n", id),
                state, JsonNodeFactory.instance.objectNode(), 0, "", key, Optional.empty(), T0, T0,
                Duration.ofSeconds(10), T0.plusSeconds(60),
                state == CommandState.QUEUED ? Optional.empty() : Optional.of(T0.plusSeconds(10)), "");
    }
}
