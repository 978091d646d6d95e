package dev.roost.server.command;

import dev.roost.server.common.DeviceId;
import dev.roost.server.support.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Timeouts, expiry, the pickup of queued commands and the restart grace, driven by a manual clock. */
class CommandSweeperTest {
    private CommandRig rig;

    @AfterEach
    void close() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void runningCommand_timesOutOnTheFirstSweepAfterItsRunDeadline() {
        rig = new CommandRig(CommandRig.settings(8, 64));
        DeviceId device = rig.device(true);
        Command command = rig.send(device, "exec");

        rig.clock.advance(CommandRig.TIMEOUT.minusMillis(1));
        rig.service.sweep();
        assertThat(rig.state(command)).isEqualTo(CommandState.SENT);

        rig.clock.advance(Duration.ofMillis(2));
        rig.service.sweep();
        Command timedOut = rig.store.find(command.id()).orElseThrow();
        assertThat(timedOut.state()).isEqualTo(CommandState.TIMED_OUT);
        assertThat(timedOut.errorMessage()).isEqualTo("no result within 10000 ms");
        assertThat(rig.service.runningCount()).isZero();
        assertThat(rig.answer(command, true)).as("a result after the timeout").isEqualTo(ResultOutcome.UNKNOWN);
    }

    @Test
    void timeout_freesTheSlot_andTheNextQueuedCommandGoes() {
        rig = new CommandRig(CommandRig.settings(1, 64));
        DeviceId device = rig.device(true);
        Command first = rig.send(device, "first");
        Command second = rig.send(device, "second");
        assertThat(rig.state(second)).isEqualTo(CommandState.QUEUED);

        rig.clock.advance(CommandRig.TIMEOUT.plusSeconds(1));
        rig.service.sweep();
        rig.runBackground();

        assertThat(rig.state(first)).isEqualTo(CommandState.TIMED_OUT);
        assertThat(rig.state(second)).isEqualTo(CommandState.SENT);
        assertThat(rig.delivered(device)).containsExactly(first.id().toString(), second.id().toString());
    }

    @Test
    void queuedCommand_expiresOnTheSweepAfterItsDeliveryDeadline_andIsNeverSent() {
        rig = new CommandRig(CommandRig.settings(8, 64));
        DeviceId device = rig.device(false);
        Instant deadline = rig.clock.instant().plus(Duration.ofMinutes(1));
        Command command = rig.service.send(CommandRig.OPERATOR, device, new NewCommand("exec", null,
                Optional.empty(), Optional.of(deadline), Optional.empty()));

        rig.clock.advance(Duration.ofSeconds(59));
        rig.service.sweep();
        assertThat(rig.state(command)).isEqualTo(CommandState.QUEUED);

        rig.clock.advance(Duration.ofSeconds(2));
        rig.service.sweep();
        assertThat(rig.state(command)).isEqualTo(CommandState.EXPIRED);
        rig.link.online(device);
        rig.service.deliverAfterReconnect(device);
        rig.runBackground();
        assertThat(rig.link.sent()).isEmpty();
    }

    @Test
    void deliveryAfterTheDeadline_expiresTheCommandInsteadOfSendingIt() {
        rig = new CommandRig(CommandRig.settings(8, 64));
        DeviceId device = rig.device(false);
        Command late = rig.service.send(CommandRig.OPERATOR, device, new NewCommand("exec", null, Optional.empty(),
                Optional.of(rig.clock.instant().plusSeconds(5)), Optional.empty()));
        Command onTime = rig.send(device, "exec");

        rig.clock.advance(Duration.ofSeconds(6));
        rig.link.online(device);
        rig.service.deliverAfterReconnect(device);
        rig.runBackground();

        assertThat(rig.state(late)).isEqualTo(CommandState.EXPIRED);
        assertThat(rig.delivered(device)).containsExactly(onTime.id().toString());
    }

    @Test
    void queuedCommandsOfOnlineDevices_arePickedUpEveryTenthSweep() {
        rig = new CommandRig(CommandRig.settings(8, 64));
        DeviceId device = rig.device(true);
        rig.link.refuseSends(true);
        Command command = rig.send(device, "exec");
        assertThat(rig.state(command)).isEqualTo(CommandState.QUEUED);
        rig.link.refuseSends(false);

        for (int i = 0; i < 9; i++) {
            rig.service.sweep();
        }
        assertThat(rig.runBackground()).isZero();
        rig.service.sweep();
        rig.runBackground();

        assertThat(rig.state(command)).isEqualTo(CommandState.SENT);
        assertThat(rig.delivered(device)).containsExactly(command.id().toString());
    }

    @Test
    void commandsLeftRunningByTheLastProcess_runUntilListenerOpenPlusGrace_laterDeadlinesStay() {
        InMemoryCommandStore store = new InMemoryCommandStore();
        ManualClock clock = new ManualClock();
        Command shortOne;
        Command longOne;
        try (CommandRig before = new CommandRig(CommandRig.settings(8, 64), store, clock)) {
            DeviceId device = before.device(true);
            shortOne = before.send(device, "short");
            longOne = before.service.send(CommandRig.OPERATOR, device, new NewCommand("long", null,
                    Optional.of(Duration.ofMinutes(30)), Optional.empty(), Optional.empty()));
        }
        clock.advance(Duration.ofMinutes(1));
        rig = new CommandRig(CommandRig.settings(8, 64), store, clock);
        assertThat(rig.service.runningCount()).as("the running index is rebuilt from the store").isEqualTo(2);

        rig.service.listenerOpened();
        rig.service.sweep();
        assertThat(rig.state(shortOne)).as("its deadline passed while no process ran").isEqualTo(CommandState.SENT);
        assertThat(store.find(shortOne.id()).orElseThrow().runDeadline())
                .contains(clock.instant().plus(Duration.ofMinutes(2)));

        clock.advance(Duration.ofMinutes(2).plusMillis(1));
        rig.service.sweep();
        assertThat(rig.state(shortOne)).isEqualTo(CommandState.TIMED_OUT);
        assertThat(rig.state(longOne)).isEqualTo(CommandState.SENT);
        assertThat(store.find(longOne.id()).orElseThrow().runDeadline())
                .contains(longOne.runDeadline().orElseThrow());
    }
}
