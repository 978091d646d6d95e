package dev.roost.server.command;

import dev.roost.server.common.DeviceId;
import dev.roost.server.common.GroupId;
import dev.roost.server.common.Page;
import dev.roost.server.common.PageRequest;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the group commit treats a batch the database refuses. */
class TransitionWriterTest {

    /** Fails every transitionAll with the given failure and records how many changes each call carried. */
    private static final class FailingStore implements CommandStore {
        private final RuntimeException failure;
        final List<Integer> calls = new CopyOnWriteArrayList<>();

        FailingStore(RuntimeException failure) {
            this.failure = failure;
        }

        @Override
        public boolean[] transitionAll(List<Transition> transitions) {
            calls.add(transitions.size());
            throw failure;
        }

        // Nothing below is used by the writer.
        @Override public void insert(Command command) { throw new UnsupportedOperationException(); }
        @Override public void insertGroup(GroupCommand group, String key, List<Command> commands) {
            throw new UnsupportedOperationException();
        }
        @Override public Optional<Command> find(CommandId id) { throw new UnsupportedOperationException(); }
        @Override public Optional<Command> findByKey(DeviceId device, String key) {
            throw new UnsupportedOperationException();
        }
        @Override public Optional<GroupCommand> findGroup(GroupCommandId id) { throw new UnsupportedOperationException(); }
        @Override public Optional<GroupCommand> findGroupByKey(GroupId groupId, String key) {
            throw new UnsupportedOperationException();
        }
        @Override public Page<Command> list(CommandFilter filter, PageRequest page) {
            throw new UnsupportedOperationException();
        }
        @Override public List<Command> active(DeviceId device, int limit) { throw new UnsupportedOperationException(); }
        @Override public int countUndelivered(DeviceId device) { throw new UnsupportedOperationException(); }
        @Override public List<Command> running() { throw new UnsupportedOperationException(); }
        @Override public int extendRunDeadlines(Instant floor) { throw new UnsupportedOperationException(); }
        @Override public List<DeviceId> devicesWithQueued(int limit) { throw new UnsupportedOperationException(); }
        @Override public List<Command> overdueQueued(Instant now, int limit) {
            throw new UnsupportedOperationException();
        }
        @Override public boolean markSent(CommandId id, Instant runDeadline, String bootIdBefore, Instant at) {
            throw new UnsupportedOperationException();
        }
        @Override public boolean transition(CommandId id, Set<CommandState> from, CommandState to, Instant at,
                                            Optional<com.fasterxml.jackson.databind.JsonNode> result, int code,
                                            String message) {
            throw new UnsupportedOperationException();
        }
        @Override public Map<CommandState, Long> countsByState(GroupCommandId groupCommandId) {
            throw new UnsupportedOperationException();
        }
    }

    /** Three changes submitted within one window, so that they share a batch. */
    private static List<CompletableFuture<Boolean>> submitThree(TransitionWriter writer) {
        List<CompletableFuture<Boolean>> done = new ArrayList<>();
        for (long id = 1; id <= 3; id++) {
            done.add(writer.submit(new CommandStore.Transition(new CommandId(id), EnumSet.of(CommandState.SENT),
                    CommandState.FAILED, Instant.EPOCH, Optional.empty(), 0, "x")));
        }
        return done;
    }

    @Test
    void batchThatTimedOut_failsWholeAtOnce_withoutRetryingEachChange() throws Exception {
        FailingStore store = new FailingStore(new IllegalStateException("bulk write failed",
                new SQLTimeoutException("lock wait timeout")));
        try (TransitionWriter writer = new TransitionWriter(store, Duration.ofSeconds(1))) {
            List<CompletableFuture<Boolean>> done = submitThree(writer);
            for (CompletableFuture<Boolean> future : done) {
                assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .hasRootCauseInstanceOf(SQLTimeoutException.class);
            }
            assertThat(store.calls).containsExactly(3);
        }
    }

    @Test
    void batchRefusedForItsData_isWrittenAgainOneChangeAtATime() throws Exception {
        FailingStore store = new FailingStore(new IllegalStateException("bulk write failed",
                new SQLException("data too long")));
        try (TransitionWriter writer = new TransitionWriter(store, Duration.ofSeconds(1))) {
            List<CompletableFuture<Boolean>> done = submitThree(writer);
            for (CompletableFuture<Boolean> future : done) {
                assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
            }
            assertThat(store.calls).containsExactly(3, 1, 1, 1);
        }
    }
}
