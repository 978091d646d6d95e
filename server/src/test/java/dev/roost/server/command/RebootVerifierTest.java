package dev.roost.server.command;

import dev.roost.protocol.Messages;
import dev.roost.server.common.DeviceId;
import dev.roost.server.event.DeviceEvent;
import dev.roost.server.event.EventHeader;
import dev.roost.server.event.EventType;
import dev.roost.server.common.DeviceState;
import dev.roost.server.support.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** A reboot ends on boot-id evidence, never on the device's word. */
class RebootVerifierTest {
    private CommandRig rig;

    @AfterEach
    void close() {
        if (rig != null) {
            rig.close();
        }
    }

    private Command ackedReboot(DeviceId device) {
        rig.bootIds.put(device, "boot-1");
        Command reboot = rig.send(device, Command.REBOOT);
        assertThat(rig.store.find(reboot.id()).orElseThrow().bootIdBefore()).isEqualTo("boot-1");
        rig.ack(reboot);
        rig.awaitStored(reboot, CommandState.ACKED);
        return reboot;
    }

    @Test
    void reboot_succeedsOnANewBootId_notOnTheDevicesResult() {
        rig = new CommandRig(CommandRig.settings(8, 64));
        DeviceId device = rig.device(true);
        Command reboot = ackedReboot(device);
        assertThat(rig.link.sent(Messages.RebootConfirm.class)).containsExactly(
                new Messages.RebootConfirm(reboot.id().toString()));

        assertThat(rig.answer(reboot, true)).isEqualTo(ResultOutcome.STORED);
        assertThat(rig.state(reboot)).as("the device's word is no evidence").isEqualTo(CommandState.ACKED);
        rig.service.reboots().reported(device, Optional.of("boot-1"));
        rig.runBackground();
        assertThat(rig.state(reboot)).as("same boot id, never reconnected").isEqualTo(CommandState.ACKED);

        rig.service.reboots().reported(device, Optional.of("boot-2"));
        rig.runBackground();
        Command done = rig.store.find(reboot.id()).orElseThrow();
        assertThat(done.state()).isEqualTo(CommandState.SUCCEEDED);
        assertThat(done.result().get("boot_id").asText()).isEqualTo("boot-2");
    }

    @Test
    void reboot_failsWhenTheDeviceReconnectsWithTheSameBootId() {
        rig = new CommandRig(CommandRig.settings(8, 64));
        DeviceId device = rig.device(true);
        Command reboot = ackedReboot(device);

        rig.service.reboots().connected(device);
        rig.service.reboots().reported(device, Optional.of("boot-1"));
        rig.runBackground();

        Command done = rig.store.find(reboot.id()).orElseThrow();
        assertThat(done.state()).isEqualTo(CommandState.FAILED);
        assertThat(done.errorMessage()).isEqualTo("device reconnected without rebooting (same boot id)");
    }

    @Test
    void statusEventOnTheBus_isEvidence_withTheDevicesLastBootIdWhenItCarriesNone() {
        rig = new CommandRig(CommandRig.settings(8, 64));
        DeviceId device = rig.device(true);
        Command reboot = ackedReboot(device);

        rig.bootIds.put(device, "boot-7");
        rig.bus.publish(new DeviceEvent(1, device, rig.clock.instant(), dev.roost.server.event.EventType.STATUS,
                "device", DeviceState.ONLINE, DeviceState.ONLINE, "",
                new dev.roost.server.event.EventDetail.StatusDetail(1, "")));
        rig.runBackground();

        assertThat(rig.store.find(reboot.id()).orElseThrow().result().get("boot_id").asText()).isEqualTo("boot-7");
    }

    @Test
    void ofTheOtherNodesEvents_commandsNeedFinishedCommands_andTheReportsOfADeviceWhoseRebootWaits() {
        rig = new CommandRig(CommandRig.settings(8, 64));
        DeviceId device = rig.device(true);
        assertThat(rig.bus.wantsRemote(header(EventType.COMMAND, device, true))).isTrue();
        assertThat(rig.bus.wantsRemote(header(EventType.COMMAND, device, false))).isFalse();
        assertThat(rig.bus.wantsRemote(header(EventType.LIFECYCLE, device, false))).isFalse();
        assertThat(rig.bus.wantsRemote(header(EventType.STATUS, device, false))).as("no reboot waits").isFalse();
        assertThat(rig.bus.wantsRemote(header(EventType.CONNECTED, device, false))).isFalse();

        Command reboot = ackedReboot(device);
        assertThat(rig.bus.wantsRemote(header(EventType.STATUS, device, false))).isTrue();
        assertThat(rig.bus.wantsRemote(header(EventType.CONNECTED, device, false))).isTrue();
        assertThat(rig.bus.wantsRemote(header(EventType.DISCONNECTED, device, false))).isFalse();
        assertThat(rig.bus.wantsRemote(header(EventType.STATUS, rig.device(true), false))).isFalse();

        rig.service.reboots().reported(device, Optional.of("boot-2"));
        rig.runBackground();
        assertThat(rig.state(reboot)).isEqualTo(CommandState.SUCCEEDED);
        assertThat(rig.bus.wantsRemote(header(EventType.STATUS, device, false))).as("the reboot is over").isFalse();
    }

    private static EventHeader header(EventType type, DeviceId device, boolean finalCommand) {
        return new EventHeader(type, device, finalCommand);
    }

    @Test
    void rebootAcknowledgedBeforeARestart_stillWaitsForItsEvidence() {
        InMemoryCommandStore store = new InMemoryCommandStore();
        ManualClock clock = new ManualClock();
        Command reboot;
        DeviceId device;
        try (CommandRig before = new CommandRig(CommandRig.settings(8, 64), store, clock)) {
            rig = before;
            device = rig.device(true);
            reboot = ackedReboot(device);
        }
        rig = new CommandRig(CommandRig.settings(8, 64), store, clock);
        rig.service.reboots().connected(device);
        rig.service.reboots().reported(device, Optional.of("boot-1"));
        rig.runBackground();
        assertThat(rig.state(reboot)).isEqualTo(CommandState.FAILED);
    }

    @Test
    void rebootWithoutEvidence_timesOutLikeAnyCommand() {
        rig = new CommandRig(CommandRig.settings(8, 64));
        DeviceId device = rig.device(true);
        Command reboot = ackedReboot(device);
        rig.clock.advance(CommandRig.TIMEOUT.plus(Duration.ofMillis(1)));
        rig.service.sweep();
        assertThat(rig.state(reboot)).isEqualTo(CommandState.TIMED_OUT);

        rig.service.reboots().reported(device, Optional.of("boot-2"));
        assertThat(rig.runBackground()).as("a finished reboot waits for no evidence").isZero();
    }
}
