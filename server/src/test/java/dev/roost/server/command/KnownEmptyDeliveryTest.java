package dev.roost.server.command;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.GroupId;
import dev.roost.server.support.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sends to a device this node knows to have no active command skip the read of its queue
 * ({@link EmptyQueues}); what a node cannot know (a cluster, a command stored while a read ran)
 * is read, so that order and the in-flight limit hold.
 */
class KnownEmptyDeliveryTest {
    private final EmptyQueues emptyQueues = new EmptyQueues(1000);
    private CommandRig rig;

    @AfterEach
    void close() {
        if (rig != null) {
            rig.close();
        }
    }

    private CommandRig rig(int maxInFlight, EmptyQueues queues) {
        rig = new CommandRig(CommandRig.settings(maxInFlight, 64), new InMemoryCommandStore(), new ManualClock(),
                queues);
        return rig;
    }

    @Test
    void deviceWhoseLastCommandFinished_getsTheNextWithoutARead() {
        rig(8, emptyQueues);
        DeviceId device = rig.device(true);
        Command first = rig.send(device, "first");
        assertThat(rig.observed.activeReads()).as("nothing known after the start: read").isEqualTo(1);
        rig.answer(first, true);
        assertThat(emptyQueues.isEmpty(device)).isTrue();

        Command second = rig.send(device, "second");
        assertThat(second.state()).isEqualTo(CommandState.SENT);
        assertThat(rig.observed.activeReads()).isEqualTo(1);
        Command third = rig.send(device, "third");
        assertThat(rig.observed.activeReads()).as("one command is active: read").isEqualTo(2);
        assertThat(third.state()).isEqualTo(CommandState.SENT);
        assertThat(rig.delivered(device)).containsExactly(id(first), id(second), id(third));
        assertThat(rig.journal(second)).containsExactly("QUEUED", "SENT");
    }

    @Test
    void commandQueuedBehindAnother_goesInOrder_andTheDeviceIsKnownEmptyOnlyOnceAllFinished() {
        rig(1, emptyQueues);
        DeviceId device = rig.device(true);
        Command a = rig.send(device, "a");
        Command b = rig.send(device, "b");
        assertThat(b.state()).isEqualTo(CommandState.QUEUED);

        rig.answer(a, true);
        assertThat(emptyQueues.isEmpty(device)).as("b waits").isFalse();
        rig.runBackground();
        assertThat(rig.state(b)).isEqualTo(CommandState.SENT);
        Command c = rig.send(device, "c");
        assertThat(c.state()).as("b runs: c waits behind it").isEqualTo(CommandState.QUEUED);

        rig.answer(b, true);
        assertThat(emptyQueues.isEmpty(device)).as("c waits").isFalse();
        rig.runBackground();
        rig.answer(c, true);
        rig.runBackground();
        assertThat(emptyQueues.isEmpty(device)).isTrue();
        int reads = rig.observed.activeReads();
        Command d = rig.send(device, "d");
        assertThat(rig.observed.activeReads()).isEqualTo(reads);
        assertThat(d.state()).isEqualTo(CommandState.SENT);
        assertThat(rig.delivered(device)).containsExactly(id(a), id(b), id(c), id(d));
    }

    @Test
    void finishWhileANewCommandIsBeingStored_leavesTheDeviceUnknown_andTheNewCommandsKeepTheirOrder() {
        rig(1, emptyQueues);
        DeviceId device = rig.device(true);
        Command a = rig.send(device, "a");
        // a is the device's only command: its finish would leave the device empty. It finishes
        // while b is being delivered, after b's read saw a still running.
        rig.observed.afterNextActiveRead(() -> rig.answer(a, true));
        Command b = rig.send(device, "b");
        assertThat(rig.state(a)).isEqualTo(CommandState.SUCCEEDED);
        assertThat(b.state()).isEqualTo(CommandState.QUEUED);
        assertThat(emptyQueues.isEmpty(device)).as("b is queued").isFalse();

        Command c = rig.send(device, "c");
        assertThat(c.state()).as("behind b").isEqualTo(CommandState.QUEUED);
        assertThat(rig.delivered(device)).as("b went when c's read found it first in line")
                .containsExactly(id(a), id(b));
        rig.answer(b, true);
        rig.runBackground();
        assertThat(rig.delivered(device)).containsExactly(id(a), id(b), id(c));
        assertThat(rig.service.runningCount()).isEqualTo(1);
    }

    @Test
    void readThatMissedAGroupCommandStoredMeanwhile_doesNotMarkTheDeviceEmpty() {
        rig(1, emptyQueues);
        DeviceId device = rig.device(true);
        GroupId group = new GroupId(50);
        rig.targets.group(group, List.of(device));
        // A reconnect's delivery reads nothing; then, before it marks, a group command is stored
        // (the device dropped again meanwhile, so the group send delivers nothing itself).
        rig.observed.afterNextActiveRead(() -> {
            rig.link.offline(device);
            rig.service.sendToGroup(CommandRig.OPERATOR, group, new NewCommand("group.step",
                    JsonNodeFactory.instance.objectNode(), Optional.of(CommandRig.TIMEOUT), Optional.empty(),
                    Optional.empty()));
        });
        rig.service.deliverAfterReconnect(device);
        rig.runBackground();
        Command grouped = rig.store.active(device, 10).getFirst();
        assertThat(grouped.state()).isEqualTo(CommandState.QUEUED);
        assertThat(emptyQueues.isEmpty(device)).isFalse();

        rig.link.online(device);
        Command later = rig.send(device, "later");
        assertThat(later.state()).as("behind the group's command").isEqualTo(CommandState.QUEUED);
        assertThat(rig.delivered(device)).containsExactly(id(grouped));
        rig.answer(grouped, true);
        rig.runBackground();
        assertThat(rig.delivered(device)).containsExactly(id(grouped), id(later));
    }

    @Test
    void commandQueuedWhileTheDeviceWasOffline_isReadAtReconnect_andItsFinishLeavesTheDeviceEmpty() {
        rig(8, emptyQueues);
        DeviceId device = rig.device(false);
        Command queued = rig.send(device, "queued");
        rig.link.online(device);
        rig.service.deliverAfterReconnect(device);
        rig.runBackground();
        assertThat(rig.delivered(device)).containsExactly(id(queued));
        rig.answer(queued, true);
        assertThat(emptyQueues.isEmpty(device)).isTrue();
        int reads = rig.observed.activeReads();
        rig.send(device, "next");
        assertThat(rig.observed.activeReads()).isEqualTo(reads);
    }

    @Test
    void inACluster_everySendReadsTheQueue() {
        rig(8, EmptyQueues.none());
        DeviceId device = rig.device(true);
        for (int i = 0; i < 3; i++) {
            rig.answer(rig.send(device, "step-" + i), true);
        }
        assertThat(rig.observed.activeReads()).isEqualTo(3);
    }

    private static String id(Command command) {
        return command.id().toString();
    }
}
