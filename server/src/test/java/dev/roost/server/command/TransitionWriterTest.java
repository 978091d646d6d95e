package dev.roost.server.command;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.GroupId;
import dev.roost.server.common.Page;
import dev.roost.server.common.PageRequest;
import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How the group commit treats a batch the database refuses, or one of whose inserts it refuses,
 * and the acknowledgements it holds back.
 */
class TransitionWriterTest {

    /** Fails every writeAll with the given failure and records how many writes each call carried. */
    private static final class FailingStore implements CommandStore {
        private final RuntimeException failure;
        final List<Integer> calls = new CopyOnWriteArrayList<>();

        FailingStore(RuntimeException failure) {
            this.failure = failure;
        }

        @Override
        public boolean[] writeAll(List<? extends Write> writes) {
            calls.add(writes.size());
            throw failure;
        }

        // Nothing below is used by the writer.
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
        try (TransitionWriter writer = new TransitionWriter(store, Duration.ofSeconds(1), Duration.ZERO)) {
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
        try (TransitionWriter writer = new TransitionWriter(store, Duration.ofSeconds(1), Duration.ZERO)) {
            List<CompletableFuture<Boolean>> done = submitThree(writer);
            for (CompletableFuture<Boolean> future : done) {
                assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
            }
            assertThat(store.calls).containsExactly(3, 1, 1, 1);
        }
    }

    @Test
    void insertWhoseKeyIsTaken_failsAlone_andTheRestOfItsBatchIsStored() throws Exception {
        InMemoryCommandStore memory = new InMemoryCommandStore();
        ObservedStore store = new ObservedStore(memory);
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (TransitionWriter writer = new TransitionWriter(store, Duration.ZERO, Duration.ZERO)) {
            // The writer is held in a first batch, so that the three inserts below form the next one.
            store.beforeNextWrite(() -> {
                writing.countDown();
                awaitQuietly(release);
            });
            CompletableFuture<Boolean> first = writer.submit(new CommandStore.Transition(new CommandId(99),
                    EnumSet.of(CommandState.SENT), CommandState.FAILED, Instant.EPOCH, Optional.empty(), 0, "x"));
            assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Boolean> keyed = writer.submit(new CommandStore.Insert(command(1, "k")));
            CompletableFuture<Boolean> sameKey = writer.submit(new CommandStore.Insert(command(2, "k")));
            CompletableFuture<Boolean> other = writer.submit(new CommandStore.Insert(command(3, "other")));
            release.countDown();

            assertThat(first.get(10, TimeUnit.SECONDS)).isFalse();
            assertThat(keyed.get(10, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> sameKey.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(RoostException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
            assertThat(other.get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(store.writeSizes()).containsExactly(1, 3, 1, 1, 1);
            assertThat(memory.find(new CommandId(1))).isPresent();
            assertThat(memory.find(new CommandId(2))).isEmpty();
            assertThat(memory.find(new CommandId(3))).isPresent();
        }
    }

    @Test
    void heldAck_isFoldedIntoTheResultThatComesWithinTheDelay() throws Exception {
        AfterHeldAck after = afterHeldAck(result(1));

        assertThat(after.laterApplied()).isTrue();
        assertThat(after.written()).noneMatch(TransitionWriterTest::isAck);
        assertThat(after.stored()).isEqualTo(CommandState.SUCCEEDED);
    }

    @Test
    void heldAck_isWrittenWhenDue() throws Exception {
        ObservedStore store = new ObservedStore(new InMemoryCommandStore());
        try (TransitionWriter writer = new TransitionWriter(store, Duration.ZERO, Duration.ofMillis(20))) {
            assertThat(writer.submit(new CommandStore.Insert(sent(1))).get(10, TimeUnit.SECONDS)).isTrue();

            assertThat(writer.submitAck(ack(1)).get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(store.find(new CommandId(1)).orElseThrow().state()).isEqualTo(CommandState.ACKED);
        }
    }

    @Test
    void heldAck_isWrittenFirst_whenALaterChangeOfItsCommandNeedsSent() throws Exception {
        // Only a SENT command may go back to the queue: once the ack is written, this one finds it ACKED.
        AfterHeldAck after = afterHeldAck(new CommandStore.Transition(new CommandId(1), EnumSet.of(CommandState.SENT),
                CommandState.QUEUED, Instant.EPOCH, Optional.empty(), 0, ""));

        assertThat(after.laterApplied()).isFalse();
        assertThat(after.written()).hasSize(3).element(1).matches(TransitionWriterTest::isAck);
        assertThat(after.stored()).isEqualTo(CommandState.ACKED);
    }

    @Test
    void heldAck_isWrittenFirst_whenALaterChangeOfItsCommandNeedsAcked() throws Exception {
        // A reboot succeeds on evidence only from ACKED.
        AfterHeldAck after = afterHeldAck(new CommandStore.Transition(new CommandId(1), EnumSet.of(CommandState.ACKED),
                CommandState.SUCCEEDED, Instant.EPOCH, Optional.empty(), 0, ""));

        assertThat(after.laterApplied()).isTrue();
        assertThat(after.written()).hasSize(3).element(1).matches(TransitionWriterTest::isAck);
        assertThat(after.stored()).isEqualTo(CommandState.SUCCEEDED);
    }

    /** What a writer that holds acks for an hour made of a SENT command's ack followed by {@code later}. */
    private record AfterHeldAck(boolean laterApplied, List<CommandStore.Write> written, CommandState stored) {
    }

    private static AfterHeldAck afterHeldAck(CommandStore.Transition later) throws Exception {
        ObservedStore store = new ObservedStore(new InMemoryCommandStore());
        try (TransitionWriter writer = new TransitionWriter(store, Duration.ZERO, Duration.ofHours(1))) {
            assertThat(writer.submit(new CommandStore.Insert(sent(1))).get(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Boolean> ack = writer.submitAck(ack(1));
            boolean laterApplied = writer.submit(later).get(10, TimeUnit.SECONDS);
            assertThat(ack.get(10, TimeUnit.SECONDS)).as("the ack, written or folded").isTrue();
            return new AfterHeldAck(laterApplied, store.written(), store.find(new CommandId(1)).orElseThrow().state());
        }
    }

    @Test
    void heldAcks_areWrittenAtClose() throws Exception {
        ObservedStore store = new ObservedStore(new InMemoryCommandStore());
        CompletableFuture<Boolean> ack;
        try (TransitionWriter writer = new TransitionWriter(store, Duration.ZERO, Duration.ofHours(1))) {
            assertThat(writer.submit(new CommandStore.Insert(sent(1))).get(10, TimeUnit.SECONDS)).isTrue();
            ack = writer.submitAck(ack(1));
        }
        assertThat(ack.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(store.find(new CommandId(1)).orElseThrow().state()).isEqualTo(CommandState.ACKED);
    }

    @Test
    void anAckHeldTwice_isWrittenOnce() throws Exception {
        ObservedStore store = new ObservedStore(new InMemoryCommandStore());
        CompletableFuture<Boolean> first;
        CompletableFuture<Boolean> again;
        try (TransitionWriter writer = new TransitionWriter(store, Duration.ZERO, Duration.ofHours(1))) {
            assertThat(writer.submit(new CommandStore.Insert(sent(1))).get(10, TimeUnit.SECONDS)).isTrue();
            first = writer.submitAck(ack(1));
            again = writer.submitAck(ack(1));
        }
        assertThat(first.get(10, TimeUnit.SECONDS)).as("superseded by the second").isTrue();
        assertThat(again.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(store.written()).filteredOn(TransitionWriterTest::isAck).hasSize(1);
        assertThat(store.find(new CommandId(1)).orElseThrow().state()).isEqualTo(CommandState.ACKED);
    }

    private static boolean isAck(CommandStore.Write write) {
        return write instanceof CommandStore.Transition change && change.to() == CommandState.ACKED;
    }

    private static CommandStore.Transition ack(long id) {
        return new CommandStore.Transition(new CommandId(id), EnumSet.of(CommandState.SENT), CommandState.ACKED,
                Instant.EPOCH, Optional.empty(), 0, "");
    }

    private static CommandStore.Transition result(long id) {
        return new CommandStore.Transition(new CommandId(id), EnumSet.of(CommandState.SENT, CommandState.ACKED),
                CommandState.SUCCEEDED, Instant.EPOCH, Optional.of(JsonNodeFactory.instance.objectNode()), 0, "");
    }

    private static Command sent(long id) {
        return new Command(new CommandId(id), new DeviceId(5), "exec", JsonNodeFactory.instance.objectNode(),
                CommandState.SENT, JsonNodeFactory.instance.objectNode(), 0, "", Optional.empty(), Optional.empty(),
                Instant.EPOCH, Instant.EPOCH, Duration.ofSeconds(10), Instant.EPOCH.plusSeconds(60),
                Optional.of(Instant.EPOCH.plusSeconds(70)), "");
    }

    private static Command command(long id, String key) {
        return new Command(new CommandId(id), new DeviceId(5), "exec", JsonNodeFactory.instance.objectNode(),
                CommandState.QUEUED, JsonNodeFactory.instance.objectNode(), 0, "", Optional.of(key), Optional.empty(),
                Instant.EPOCH, Instant.EPOCH, Duration.ofSeconds(10), Instant.EPOCH.plusSeconds(60), Optional.empty(),
                "");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
