package dev.roost.server.command;

import dev.roost.server.common.DeviceId;
import org.junit.jupiter.api.Test;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@link EmptyQueues} lets a node know of a device's queue, and when it must forget it. */
class EmptyQueuesTest {
    private static final DeviceId DEVICE = new DeviceId(7);

    @Test
    void readFindingNothing_marksTheDeviceEmpty_unlessACommandWasStoredSinceJustBeforeTheRead() {
        EmptyQueues queues = new EmptyQueues(10);
        long before = queues.generation(DEVICE);
        queues.forget(DEVICE);
        queues.foundNone(DEVICE, before);
        assertThat(queues.isEmpty(DEVICE)).as("the read may have missed the command stored meanwhile").isFalse();

        queues.foundNone(DEVICE, queues.generation(DEVICE));
        assertThat(queues.isEmpty(DEVICE)).isTrue();
        queues.forget(DEVICE);
        assertThat(queues.isEmpty(DEVICE)).as("a command stored later").isFalse();
    }

    @Test
    void onlyTheFinishOfTheOnlyActiveCommand_leavesTheDeviceEmpty() {
        EmptyQueues queues = new EmptyQueues(10);
        queues.foundOnly(DEVICE, queues.generation(DEVICE), new CommandId(1));
        queues.finished(DEVICE, new CommandId(2));
        assertThat(queues.isEmpty(DEVICE)).isFalse();
        queues.finished(DEVICE, new CommandId(1));
        assertThat(queues.isEmpty(DEVICE)).isTrue();

        assertThat(queues.claim(DEVICE, new CommandId(3))).isTrue();
        assertThat(queues.isEmpty(DEVICE)).as("claimed for command 3").isFalse();
        assertThat(queues.claim(DEVICE, new CommandId(4))).as("one claim per empty queue").isFalse();
        queues.forget(DEVICE);
        queues.finished(DEVICE, new CommandId(3));
        assertThat(queues.isEmpty(DEVICE)).as("a command stored beside 3 may still be active").isFalse();
    }

    @Test
    void beyondItsCapacity_aDeviceIsForgotten() {
        EmptyQueues queues = new EmptyQueues(2);
        for (long id = 1; id <= 3; id++) {
            DeviceId device = new DeviceId(id);
            queues.foundNone(device, queues.generation(device));
        }
        assertThat(queues.size()).isEqualTo(2);
        assertThat(Stream.of(1L, 2L, 3L).filter(id -> queues.isEmpty(new DeviceId(id)))).hasSize(2)
                .as("the newest mark is kept").contains(3L);
    }

    @Test
    void none_neverKnowsADeviceEmpty() {
        EmptyQueues queues = EmptyQueues.none();
        queues.foundNone(DEVICE, queues.generation(DEVICE));
        queues.foundOnly(DEVICE, queues.generation(DEVICE), new CommandId(1));
        queues.finished(DEVICE, new CommandId(1));
        assertThat(queues.isEmpty(DEVICE)).isFalse();
        assertThat(queues.claim(DEVICE, new CommandId(2))).isFalse();
    }
}
