package dev.roost.edge.command;

import dev.roost.edge.spi.CommandHandler;
import dev.roost.edge.spi.CommandOutcome;
import dev.roost.edge.spi.CommandRequest;
import dev.roost.edge.support.RecordingLink;
import dev.roost.protocol.Messages;
import dev.roost.protocol.PduCodec;
import dev.roost.server.support.Await;
import dev.roost.server.support.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class CommandRunnerTest {
    @TempDir
    Path dir;

    private final PduCodec codec = new PduCodec();
    private final ManualClock clock = new ManualClock();
    private final AtomicInteger runs = new AtomicInteger();
    private final CommandHandler counting = new CommandHandler() {
        @Override
        public String name() {
            return "count";
        }

        @Override
        public CommandOutcome handle(CommandRequest request) {
            return CommandOutcome.succeeded(request.params().put("run", runs.incrementAndGet()), "counted");
        }
    };

    private CommandRunner runner(CommandJournal journal, RebootAction reboot) {
        return new CommandRunner(Map.of("count", counting, "sleep", sleeping()), journal, reboot, Duration.ofSeconds(5),
                java.util.Optional.empty());
    }

    private static Messages.Command command(String id, String name, long timeoutMs) {
        return new Messages.Command(id, name, new PduCodec().mapper().createObjectNode(), timeoutMs);
    }

    @Test
    void redeliveredCommand_afterAnAgentRestart_isNotRunAgain_andItsResultIsSentAgain() {
        Path file = dir.resolve("commands.journal");
        RecordingLink first = new RecordingLink();
        CommandRunner before = runner(CommandJournal.open(file, 16, codec), () -> { });
        before.onLive(first);
        before.onCommand(first, "s-1", command("c1", "count", 5000));
        Await.until("result sent", () -> first.sent(Messages.CommandResult.class).size() == 1);
        before.onResultAck(new Messages.CommandResultAck("c1"));
        assertThat(CommandJournal.open(file, 16, codec).undelivered()).isEmpty();

        RecordingLink second = new RecordingLink();
        CommandRunner after = runner(CommandJournal.open(file, 16, codec), () -> { });
        after.onLive(second);
        after.onCommand(second, "s-9", command("c1", "count", 5000));

        assertThat(runs).hasValue(1);
        assertThat(second.sent(Messages.CommandAck.class)).hasSize(1);
        assertThat(second.sent(Messages.CommandResult.class)).containsExactlyElementsOf(
                first.sent(Messages.CommandResult.class));
    }

    @Test
    void resultProducedOffline_isKeptOnDisk_andDeliveredAfterTheNextConnect() {
        Path file = dir.resolve("commands.journal");
        RecordingLink link = new RecordingLink();
        CommandJournal journal = CommandJournal.open(file, 16, codec);
        CommandRunner runner = runner(journal, () -> { });
        runner.onLive(link);
        link.live = false;
        runner.onDown();
        runner.onCommand(link, "s-1", command("c2", "count", 5000));
        // The runner's own journal: it writes the file under the lock undelivered() takes, so the result is
        // on disk once it shows here. Opening a second journal on the file meanwhile would race the runner
        // (opening rewrites a RUNNING entry as failed).
        Await.until("result recorded", () -> journal.undelivered().size() == 1);

        RecordingLink next = new RecordingLink();
        CommandRunner restarted = runner(CommandJournal.open(file, 16, codec), () -> { });
        restarted.onLive(next);
        assertThat(next.sent(Messages.CommandResult.class)).singleElement()
                .satisfies(r -> assertThat(r.commandId()).isEqualTo("c2"));
        // Sent is not stored: the result stays in the outbox until the server acknowledges it.
        assertThat(CommandJournal.open(file, 16, codec).undelivered()).hasSize(1);
        restarted.onResultAck(new Messages.CommandResultAck("c2"));
        assertThat(CommandJournal.open(file, 16, codec).undelivered()).isEmpty();
    }

    @Test
    void unacknowledgedResult_isSentAgainAfterTheResendInterval_untilTheServerAcksIt() {
        RecordingLink link = new RecordingLink();
        CommandJournal journal = CommandJournal.open(dir.resolve("j"), 16, codec);
        CommandRunner runner = new CommandRunner(Map.of("count", counting), journal, () -> { }, Duration.ofSeconds(5),
                java.util.Optional.empty(), Duration.ofMillis(200), clock);
        runner.onLive(link);
        runner.onCommand(link, "s-1", command("c5", "count", 5000));
        Await.until("result sent", () -> link.sent(Messages.CommandResult.class).size() == 1);
        String firstId = link.pdus.stream().filter(p -> p.body() instanceof Messages.CommandResult).findFirst()
                .orElseThrow().id();
        // The server could not store it (database down): an INTERNAL error leaves it for a resend.
        runner.onError(firstId, new Messages.Error("INTERNAL", "retry later"));
        clock.advance(Duration.ofMillis(199));
        runner.onTick(clock.millis());
        assertThat(link.sent(Messages.CommandResult.class)).hasSize(1);
        clock.advance(Duration.ofMillis(1));
        runner.onTick(clock.millis());
        assertThat(link.sent(Messages.CommandResult.class)).hasSize(2);
        assertThat(runs).hasValue(1);
        runner.onResultAck(new Messages.CommandResultAck("c5"));
        assertThat(journal.undelivered()).isEmpty();
        clock.advance(Duration.ofMinutes(1));
        runner.onTick(clock.millis());
        assertThat(link.sent(Messages.CommandResult.class)).hasSize(2);
    }

    @Test
    void resultRefusedAsUnknownCommand_isDropped_notSentAgain() {
        RecordingLink link = new RecordingLink();
        CommandJournal journal = CommandJournal.open(dir.resolve("j"), 16, codec);
        CommandRunner runner = new CommandRunner(Map.of("count", counting), journal, () -> { }, Duration.ofSeconds(5),
                java.util.Optional.empty(), Duration.ofMillis(1), clock);
        runner.onLive(link);
        runner.onCommand(link, "s-1", command("c6", "count", 5000));
        Await.until("result sent", () -> link.sent(Messages.CommandResult.class).size() == 1);
        String resultId = link.pdus.stream().filter(p -> p.body() instanceof Messages.CommandResult).findFirst()
                .orElseThrow().id();
        runner.onError(resultId, new Messages.Error("UNKNOWN_COMMAND", "timed out meanwhile"));
        assertThat(journal.undelivered()).isEmpty();
        clock.advance(Duration.ofMinutes(1));
        runner.onTick(clock.millis());
        assertThat(link.sent(Messages.CommandResult.class)).hasSize(1);
    }

    @Test
    void commandRunningWhenTheAgentStopped_isRecordedFailed_notRunAgain() {
        Path file = dir.resolve("commands.journal");
        CommandJournal journal = CommandJournal.open(file, 16, codec);
        journal.begin("c3", "count", JournalEntry.Stage.RUNNING);

        RecordingLink link = new RecordingLink();
        CommandRunner restarted = runner(CommandJournal.open(file, 16, codec), () -> { });
        restarted.onLive(link);
        restarted.onCommand(link, "s-2", command("c3", "count", 5000));
        assertThat(runs).hasValue(0);
        assertThat(link.sent(Messages.CommandResult.class)).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo("failed");
            assertThat(r.message()).contains("agent stopped");
        });
    }

    @Test
    void handlerPastItsTimeout_isInterrupted_andFails() {
        RecordingLink link = new RecordingLink();
        CommandRunner runner = runner(CommandJournal.open(dir.resolve("j"), 16, codec), () -> { });
        runner.onLive(link);
        runner.onCommand(link, "s-1", command("c4", "sleep", 100));
        Await.until("result", () -> !link.sent(Messages.CommandResult.class).isEmpty());
        assertThat(link.sent(Messages.CommandResult.class).getFirst().message()).contains("timed out after 100 ms");
    }

    @Test
    void reboot_isAcked_runsOnlyAfterConfirm_andNeverTwice() {
        AtomicInteger reboots = new AtomicInteger();
        RecordingLink link = new RecordingLink();
        CommandJournal journal = CommandJournal.open(dir.resolve("j"), 16, codec);
        CommandRunner runner = runner(journal, reboots::incrementAndGet);
        runner.onLive(link);
        runner.onCommand(link, "s-1", command("r1", "reboot", 5000));
        assertThat(link.sent(Messages.CommandAck.class)).hasSize(1);
        assertThat(reboots).hasValue(0);

        runner.onRebootConfirm(new Messages.RebootConfirm("r1"));
        Await.until("rebooted", () -> reboots.get() == 1);
        runner.onCommand(link, "s-2", command("r1", "reboot", 5000));
        runner.onRebootConfirm(new Messages.RebootConfirm("r1"));
        assertThat(reboots).hasValue(1);
        assertThat(link.sent(Messages.CommandResult.class)).isEmpty();
    }

    @Test
    void journal_staysBounded() {
        CommandJournal journal = CommandJournal.open(dir.resolve("j"), 4, codec);
        for (int i = 0; i < 10; i++) {
            journal.begin("c" + i, "count", JournalEntry.Stage.RUNNING);
        }
        assertThat(journal.size()).isEqualTo(4);
        assertThat(journal.find("c9")).isPresent();
        assertThat(journal.find("c0")).isEmpty();
    }

    private static CommandHandler sleeping() {
        return new CommandHandler() {
            @Override
            public String name() {
                return "sleep";
            }

            @Override
            public CommandOutcome handle(CommandRequest request) throws InterruptedException {
                Thread.sleep(Duration.ofMinutes(1));
                return CommandOutcome.succeeded(null, "slept");
            }
        };
    }
}
