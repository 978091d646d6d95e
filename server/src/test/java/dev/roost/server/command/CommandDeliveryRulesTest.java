package dev.roost.server.command;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.roost.protocol.Messages;
import dev.roost.server.common.DeviceId;
import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
import dev.roost.server.support.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Delivery rules of {@link CommandService} on in-memory collaborators: order, pacing, resend, cancel, limits. */
class CommandDeliveryRulesTest {
    private CommandRig rig;

    @AfterEach
    void close() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void onlineDevice_getsCommandsInCreationOrder_atMostTheInFlightLimitAtOnce() {
        rig = new CommandRig(CommandRig.settings(2, 64));
        DeviceId device = rig.device(true);
        List<Command> sent = List.of(rig.send(device, "step.a"), rig.send(device, "step.b"), rig.send(device, "step.c"),
                rig.send(device, "step.d"));

        assertThat(sent).extracting(Command::state).containsExactly(CommandState.SENT, CommandState.SENT,
                CommandState.QUEUED, CommandState.QUEUED);
        assertThat(rig.delivered(device)).containsExactly(id(sent.get(0)), id(sent.get(1)));

        assertThat(rig.answer(sent.get(1), true)).isEqualTo(ResultOutcome.STORED);
        rig.runBackground();
        assertThat(rig.delivered(device)).as("a finish frees one slot: the oldest queued goes")
                .containsExactly(id(sent.get(0)), id(sent.get(1)), id(sent.get(2)));
        assertThat(rig.state(sent.get(3))).isEqualTo(CommandState.QUEUED);

        rig.answer(sent.get(0), false);
        rig.runBackground();
        assertThat(rig.delivered(device)).endsWith(id(sent.get(3)));
        assertThat(rig.store.active(device, 10)).extracting(Command::state)
                .containsExactly(CommandState.SENT, CommandState.SENT);
    }

    @Test
    void command_goesQueuedSentAckedSucceeded_andEachStateIsLogged() {
        rig = new CommandRig(CommandRig.settings(8, 64));
        DeviceId device = rig.device(false);
        Command command = rig.send(device, "exec");
        assertThat(command.state()).isEqualTo(CommandState.QUEUED);
        assertThat(rig.link.sent()).as("an offline device is sent nothing").isEmpty();
        assertThat(rig.service.pendingCount(device)).isEqualTo(1);

        rig.link.online(device);
        rig.service.deliverAfterReconnect(device);
        rig.runBackground();
        assertThat(rig.state(command)).isEqualTo(CommandState.SENT);
        assertThat(rig.delivered(device)).containsExactly(id(command));
        assertThat(rig.store.find(command.id()).orElseThrow().runDeadline())
                .contains(rig.clock.instant().plus(CommandRig.TIMEOUT));

        rig.ack(command);
        rig.awaitStored(command, CommandState.ACKED);
        assertThat(rig.service.runningCount()).isEqualTo(1);

        assertThat(rig.answer(command, true)).isEqualTo(ResultOutcome.STORED);
        Command done = rig.store.find(command.id()).orElseThrow();
        assertThat(done.state()).isEqualTo(CommandState.SUCCEEDED);
        assertThat(done.result().get("ok").asBoolean()).isTrue();
        assertThat(rig.service.runningCount()).isZero();
        assertThat(rig.journal(command)).containsExactly("QUEUED", "SENT", "ACKED", "SUCCEEDED");

        assertThat(rig.answer(command, true)).as("the same result again").isEqualTo(ResultOutcome.DUPLICATE);
        assertThat(rig.answer(command, false)).as("another result after the end").isEqualTo(ResultOutcome.UNKNOWN);
    }

    @Test
    void resultOfARunningCommand_isStoredAndAnswered_whileTheDevicesLaneWaitsOnARead() throws Exception {
        rig = new CommandRig(CommandRig.settings(8, 64));
        DeviceId device = rig.device(true);
        Command command = rig.send(device, "exec");
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        rig.observed.beforeNextFind(() -> {
            reading.countDown();
            awaitQuietly(release);
        });
        // Not in the running index: its lane (the only one) must read it, and is held in that read.
        CompletableFuture<ResultOutcome> unknown = new CompletableFuture<>();
        assertThat(rig.service.finishLater(device, result("424242", true), unknown::complete)).isTrue();
        assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<ResultOutcome> stored = new CompletableFuture<>();
        assertThat(rig.service.finishLater(device, result(command.id().toString(), true), stored::complete)).isTrue();

        assertThat(stored.get(10, TimeUnit.SECONDS)).isEqualTo(ResultOutcome.STORED);
        assertThat(rig.state(command)).isEqualTo(CommandState.SUCCEEDED);
        assertThat(unknown).isNotDone();
        release.countDown();
        assertThat(unknown.get(10, TimeUnit.SECONDS)).isEqualTo(ResultOutcome.UNKNOWN);
    }

    private static Messages.CommandResult result(String commandId, boolean succeeded) {
        return new Messages.CommandResult(commandId, succeeded ? Messages.CommandResult.SUCCEEDED
                : Messages.CommandResult.FAILED, 0, JsonNodeFactory.instance.objectNode(), "");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void reconnect_resendsSentCommandsNeverAcknowledged_butNotAcknowledgedOnes() {
        rig = new CommandRig(CommandRig.settings(8, 64));
        DeviceId device = rig.device(true);
        Command acked = rig.send(device, "first");
        Command unacked = rig.send(device, "second");
        rig.ack(acked);
        rig.awaitStored(acked, CommandState.ACKED);

        rig.service.deliverAfterReconnect(device);
        rig.runBackground();

        assertThat(rig.delivered(device)).containsExactly(id(acked), id(unacked), id(unacked));
        assertThat(rig.state(unacked)).isEqualTo(CommandState.SENT);
        assertThat(rig.journal(unacked)).as("a resend is not a new transition").containsExactly("QUEUED", "SENT");
    }

    @Test
    void sendTheDeviceDidNotTake_staysQueuedInItsPlace_andGoesFirstLater() {
        rig = new CommandRig(CommandRig.settings(8, 64));
        DeviceId device = rig.device(true);
        rig.link.refuseSends(true);
        Command first = rig.send(device, "first");
        assertThat(first.state()).isEqualTo(CommandState.QUEUED);
        assertThat(rig.state(first)).isEqualTo(CommandState.QUEUED);
        assertThat(rig.service.runningCount()).isZero();

        rig.link.refuseSends(false);
        Command second = rig.send(device, "second");
        assertThat(rig.delivered(device)).as("the older queued command keeps its place")
                .containsExactly(id(first), id(second));
        assertThat(rig.state(second)).isEqualTo(CommandState.SENT);
    }

    @Test
    void cancel_ofQueued_needsNoDevice_andOfSent_tellsTheDevice() {
        rig = new CommandRig(CommandRig.settings(1, 64));
        DeviceId device = rig.device(true);
        Command sent = rig.send(device, "first");
        Command queued = rig.send(device, "second");

        Command cancelled = rig.service.cancel(CommandRig.OPERATOR, queued.id(), "not needed");
        assertThat(cancelled.state()).isEqualTo(CommandState.CANCELLED);
        assertThat(cancelled.errorMessage()).isEqualTo("not needed");
        assertThat(rig.link.sent(Messages.CommandCancel.class)).isEmpty();

        assertThat(rig.service.cancel(CommandRig.OPERATOR, sent.id(), "").state()).isEqualTo(CommandState.CANCELLED);
        assertThat(rig.link.sent(Messages.CommandCancel.class)).containsExactly(
                new Messages.CommandCancel(id(sent)));
        assertThat(rig.answer(sent, true)).as("a result after the cancel changes nothing")
                .isEqualTo(ResultOutcome.UNKNOWN);
        rig.runBackground();
        assertThat(rig.delivered(device)).as("the cancelled queued command is never sent").containsExactly(id(sent));
    }

    @Test
    void cancel_ofAcknowledgedCommand_isRefused() {
        rig = new CommandRig(CommandRig.settings(8, 64));
        DeviceId device = rig.device(true);
        Command command = rig.send(device, "exec");
        rig.ack(command);
        rig.awaitStored(command, CommandState.ACKED);

        assertThatThrownBy(() -> rig.service.cancel(CommandRig.OPERATOR, command.id(), ""))
                .isInstanceOfSatisfying(RoostException.class, e -> assertThat(e.code())
                        .isEqualTo(ErrorCode.FAILED_PRECONDITION))
                .hasMessageContaining("ACKED");
        assertThat(rig.state(command)).isEqualTo(CommandState.ACKED);
    }

    @Test
    void heldAck_isAckedToCallersAndToRedelivery_andTheResultReplacesIt() {
        rig = new CommandRig(CommandRig.settings(8, 64, Duration.ofHours(1)));
        DeviceId device = rig.device(true);
        Command command = rig.send(device, "exec");
        rig.ack(command);

        assertThat(rig.state(command)).as("held back, not yet written").isEqualTo(CommandState.SENT);
        assertThat(rig.service.get(CommandRig.OPERATOR, command.id(), Duration.ZERO).state())
                .isEqualTo(CommandState.ACKED);
        assertThatThrownBy(() -> rig.service.cancel(CommandRig.OPERATOR, command.id(), ""))
                .isInstanceOfSatisfying(RoostException.class, e -> assertThat(e.code())
                        .isEqualTo(ErrorCode.FAILED_PRECONDITION))
                .hasMessageContaining("ACKED");
        rig.service.deliverAfterReconnect(device);
        rig.runBackground();
        assertThat(rig.delivered(device)).as("an acknowledged command is not resent").containsExactly(id(command));

        assertThat(rig.answer(command, true)).isEqualTo(ResultOutcome.STORED);
        assertThat(rig.state(command)).isEqualTo(CommandState.SUCCEEDED);
        assertThat(rig.observed.written()).as("the ack was folded into the result")
                .noneMatch(write -> write instanceof CommandStore.Transition change
                        && change.to() == CommandState.ACKED);
        assertThat(rig.journal(command)).containsExactly("QUEUED", "SENT", "ACKED", "SUCCEEDED");
    }

    @Test
    void idempotencyKey_sameRequestReturnsTheSameCommand_differentParamsConflict() {
        rig = new CommandRig(CommandRig.settings(8, 64));
        DeviceId device = rig.device(true);
        var params = JsonNodeFactory.instance.objectNode().put("n", 1);
        Command first = rig.send(device, "exec", params, Optional.of("k-1"));
        Command again = rig.send(device, "exec", params.deepCopy(), Optional.of("k-1"));

        assertThat(again.id()).isEqualTo(first.id());
        assertThat(rig.delivered(device)).containsExactly(id(first));
        assertThatThrownBy(() -> rig.send(device, "exec", JsonNodeFactory.instance.objectNode().put("n", 2),
                Optional.of("k-1")))
                .isInstanceOfSatisfying(RoostException.class, e -> assertThat(e.code())
                        .isEqualTo(ErrorCode.FAILED_PRECONDITION))
                .hasMessageContaining("idempotency key 'k-1' was used for command " + first.id());
        assertThat(rig.store.active(device, 10)).hasSize(1);
        assertThat(rig.send(device, "exec", params, Optional.of("k-2")).id()).isNotEqualTo(first.id());
    }

    @Test
    void sendWhileAllSendSlotsAreTaken_isRefusedWithRateLimited_andNothingIsStored() throws Exception {
        rig = new CommandRig(CommandRig.settings(8, 1));
        DeviceId device = rig.device(true);
        rig.link.holdNextCheck();
        CompletableFuture<Command> holder = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                holder.complete(rig.send(device, "held"));
            } catch (RuntimeException e) {
                holder.completeExceptionally(e);
            }
        });
        rig.link.awaitHeld();

        assertThatThrownBy(() -> rig.send(device, "refused"))
                .isInstanceOfSatisfying(RoostException.class, e -> assertThat(e.code())
                        .isEqualTo(ErrorCode.RATE_LIMITED))
                .hasMessageContaining("too many commands being sent at once (1)");
        rig.link.release();

        Command held = holder.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(held.state()).isEqualTo(CommandState.SENT);
        assertThat(rig.store.active(device, 10)).as("only the held send is stored").extracting(Command::id)
                .containsExactly(held.id());
        assertThat(rig.send(device, "after").state()).as("the slot is free again").isEqualTo(CommandState.SENT);
    }

    @Test
    void disabledOrUnknownDevice_takesNoCommands() {
        rig = new CommandRig(CommandRig.settings(8, 64));
        DeviceId disabled = rig.device(true);
        rig.targets.device(disabled, dev.roost.server.common.DeviceState.DISABLED);
        assertThatThrownBy(() -> rig.send(disabled, "exec")).isInstanceOfSatisfying(RoostException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION));
        assertThatThrownBy(() -> rig.send(new DeviceId(999), "exec")).isInstanceOfSatisfying(RoostException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(rig.store.devicesWithQueued(10)).isEmpty();
        assertThat(rig.link.sent()).isEmpty();
    }

    @Test
    void waitingCaller_wakesWhenTheResultIsStored() throws Exception {
        rig = new CommandRig(CommandRig.settings(8, 64));
        DeviceId device = rig.device(true);
        Command command = rig.send(device, "exec");
        CompletableFuture<Command> waited = CompletableFuture.supplyAsync(
                () -> rig.service.get(CommandRig.OPERATOR, command.id(), Duration.ofSeconds(30)),
                Thread.ofVirtual()::start);
        dev.roost.server.support.Await.until("the caller waits", () -> waitedFor(command));
        rig.answer(command, true);
        assertThat(waited.get(10, java.util.concurrent.TimeUnit.SECONDS).state()).isEqualTo(CommandState.SUCCEEDED);
    }

    @Test
    void commandFinishedOnAnotherNode_leavesTheRunningIndex_andWakesItsWaiter() throws Exception {
        rig = new CommandRig(CommandRig.settings(8, 64));
        DeviceId device = rig.device(true);
        Command command = rig.send(device, "exec");
        CompletableFuture<Command> waited = CompletableFuture.supplyAsync(
                () -> rig.service.get(CommandRig.OPERATOR, command.id(), Duration.ofSeconds(30)),
                Thread.ofVirtual()::start);
        dev.roost.server.support.Await.until("the caller waits", () -> waitedFor(command));

        // The other node stored the result and published its "command" event.
        rig.store.transition(command.id(), CommandState.RUNNING, CommandState.SUCCEEDED, rig.clock.instant(),
                Optional.of(JsonNodeFactory.instance.objectNode()), 0, "");
        rig.bus.publishRemote(new dev.roost.server.event.DeviceEvent(1, device, rig.clock.instant(),
                dev.roost.server.event.EventType.COMMAND, "device", dev.roost.server.common.DeviceState.ONLINE,
                dev.roost.server.common.DeviceState.ONLINE, "", new dev.roost.server.event.EventDetail.CommandDetail(
                command.id().value(), "exec", "SUCCEEDED", 0)));

        assertThat(rig.service.runningCount()).isZero();
        assertThat(waited.get(10, java.util.concurrent.TimeUnit.SECONDS).state()).isEqualTo(CommandState.SUCCEEDED);
    }

    private boolean waitedFor(Command command) {
        return rig.service.isWaitedFor(command.id());
    }

    private static String id(Command command) {
        return command.id().toString();
    }

    @Test
    void aCommandDeliveredThroughAnotherNode_isReadOnceForItsAck_andNotAgainForItsResult() {
        CommandSettings settings = CommandRig.settings(4, 64);
        InMemoryCommandStore shared = new InMemoryCommandStore();
        ManualClock clock = new ManualClock();
        try (CommandRig apiNode = new CommandRig(settings, shared, clock, EmptyQueues.none());
             CommandRig deviceNode = new CommandRig(settings, shared, clock, EmptyQueues.none())) {
            DeviceId device = apiNode.device(true);
            Command command = apiNode.send(device, "cross-node");

            deviceNode.ack(command);
            assertThat(deviceNode.observed.finds()).as("the ack reads the command it did not deliver").isEqualTo(1);
            assertThat(deviceNode.answer(command, true)).isEqualTo(ResultOutcome.STORED);
            assertThat(deviceNode.observed.finds()).as("the result finds the copy the ack read").isEqualTo(1);
            assertThat(deviceNode.state(command)).isEqualTo(CommandState.SUCCEEDED);
        }
    }
}
