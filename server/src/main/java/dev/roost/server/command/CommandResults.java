package dev.roost.server.command;

import dev.roost.protocol.Messages;
import dev.roost.server.common.DeviceId;
import dev.roost.server.device.DeviceLink;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What devices report of their commands: acknowledgements and results. A result is handed to the
 * command writer from the connection's thread when that needs no read and no wait, else on a result
 * lane ({@link ResultLanes}), so no database call ever runs on a connection's thread; either way it
 * is answered once durable.
 */
final class CommandResults implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CommandResults.class.getName());
    /**
     * Results handed to the writer and not yet committed, at most: beyond it a result lane waits,
     * its queue fills, and devices are told to resend (a frozen database stalls no connection).
     */
    private static final int RESULTS_IN_FLIGHT = 2048;

    private final CommandStore store;
    private final TransitionWriter writer;
    private final RunningCommands running;
    private final CommandFinisher finisher;
    private final CommandJournal journal;
    private final RebootVerifier reboots;
    private final DeviceLink link;
    private final Clock clock;
    private final ResultLanes lanes;
    private final Semaphore resultsInFlight = new Semaphore(RESULTS_IN_FLIGHT);

    CommandResults(CommandStore store, TransitionWriter writer, RunningCommands running, CommandFinisher finisher,
                   CommandJournal journal, RebootVerifier reboots, DeviceLink link, Clock clock, CommandSettings settings) {
        this.store = store;
        this.writer = writer;
        this.running = running;
        this.finisher = finisher;
        this.journal = journal;
        this.reboots = reboots;
        this.link = link;
        this.clock = clock;
        this.lanes = new ResultLanes(settings.resultWorkers(), settings.resultQueue());
    }

    /** The device accepted a command; false when it has no such running command. */
    boolean acked(DeviceId device, String commandId) {
        Optional<Command> command = running(device, commandId);
        if (command.isEmpty()) {
            return false;
        }
        if (command.get().state() == CommandState.ACKED) {
            return true;
        }
        Instant now = clock.instant();
        // Not waited for: ACKED is an intermediate state. Held back for the ack-write delay and
        // folded into the result when that arrives first; a crash may lose it (the command is then
        // still SENT and is resent on reconnect; architecture.md, Command delivery). A reboot's ack
        // is written with the next batch: its evidence is looked for among the stored ACKED commands.
        CommandStore.Transition ack = new CommandStore.Transition(command.get().id(), EnumSet.of(CommandState.SENT),
                CommandState.ACKED, now, Optional.empty(), 0, "");
        if (command.get().isReboot()) {
            writer.submit(ack);
        } else {
            writer.submitAck(ack);
        }
        running.acked(command.get().id(), now);
        journal.record(command.get(), CommandState.ACKED, "device", "acknowledged");
        if (command.get().isReboot()) {
            reboots.acked(device);
            link.send(device, new Messages.RebootConfirm(commandId));
        }
        return true;
    }

    /**
     * Stores a result and then calls {@code answer} with the outcome. A result of a command in this
     * node's running index, with a slot free among the results in flight, is handed to the writer
     * from the caller's thread: that needs no read and no wait, and saves a lane's wake-up per
     * result. Any other (the command must be read, or the slots are taken) goes to the device's lane.
     *
     * @return false when the lane is full: nothing was taken, the device should resend later
     */
    boolean finishLater(DeviceId device, Messages.CommandResult result, Consumer<ResultOutcome> answer) {
        Optional<Command> live = runningHere(device, result.commandId());
        if (live.isPresent() && resultsInFlight.tryAcquire()) {
            storeThenAnswer(device, result, () -> storedAsync(device, result, live), answer);
            return true;
        }
        return lanes.submit(device.value(), () -> {
            resultsInFlight.acquireUninterruptibly();
            storeThenAnswer(device, result, () -> finishedAsync(device, result), answer);
        });
    }

    /** Holds one of the results in flight, released when {@code store}'s outcome is known. */
    private void storeThenAnswer(DeviceId device, Messages.CommandResult result,
                                 Supplier<CompletableFuture<ResultOutcome>> store, Consumer<ResultOutcome> answer) {
        CompletableFuture<ResultOutcome> stored;
        try {
            stored = store.get();
        } catch (RuntimeException e) {
            stored = CompletableFuture.failedFuture(e);
        }
        // Answered once the group commit holding the result is durable, on the writer's thread.
        stored.whenComplete((outcome, failure) -> {
            resultsInFlight.release();
            if (failure != null) {
                LOG.log(System.Logger.Level.WARNING, "could not store the result of command {0} of device {1}: "
                        + "{2}", result.commandId(), device,
                        String.valueOf(CommandFinisher.unwrap(failure).getMessage()));
            }
            answer.accept(failure == null ? outcome : ResultOutcome.FAILED);
        });
    }

    /**
     * The device reports a result. A result sent again for a command that already finished with the
     * same result changes nothing and is a {@link ResultOutcome#DUPLICATE}.
     */
    ResultOutcome finished(DeviceId device, Messages.CommandResult result) {
        return CommandFinisher.joined(finishedAsync(device, result));
    }

    private CompletableFuture<ResultOutcome> finishedAsync(DeviceId device, Messages.CommandResult result) {
        return storedAsync(device, result, running(device, result.commandId()));
    }

    private CompletableFuture<ResultOutcome> storedAsync(DeviceId device, Messages.CommandResult result,
                                                         Optional<Command> command) {
        if (command.isEmpty()) {
            return CompletableFuture.completedFuture(alreadyFinishedWith(device, result) ? ResultOutcome.DUPLICATE
                    : ResultOutcome.UNKNOWN);
        }
        if (command.get().isReboot() && result.succeeded()) {
            // A reboot succeeds only on evidence (RebootVerifier): the device's word is taken as read.
            return CompletableFuture.completedFuture(ResultOutcome.STORED);
        }
        return finisher.finishAsync(command.get(), CommandState.RUNNING, result.succeeded() ? CommandState.SUCCEEDED
                : CommandState.FAILED, Optional.of(SameResult.payload(result)), result.code(),
                errorMessage(result), "device").thenCompose(applied -> applied
                ? CompletableFuture.completedFuture(ResultOutcome.STORED)
                // A timeout, a cancel or the same result on another connection won the race: a read,
                // so not on the writer's thread.
                : CompletableFuture.supplyAsync(() -> alreadyFinishedWith(device, result) ? ResultOutcome.DUPLICATE
                        : ResultOutcome.UNKNOWN, Thread.ofVirtual()::start));
    }

    private boolean alreadyFinishedWith(DeviceId device, Messages.CommandResult result) {
        return commandId(result.commandId()).flatMap(store::find)
                .filter(stored -> stored.deviceId().equals(device) && stored.state().isFinal())
                .map(stored -> SameResult.matches(stored, result))
                .orElse(false);
    }

    /** The device's command by its wire id when this node's running index holds it; never reads. */
    private Optional<Command> runningHere(DeviceId device, String wireId) {
        return commandId(wireId).flatMap(running::find).filter(c -> c.deviceId().equals(device));
    }

    /**
     * The device's running command by its wire id: from the running index, else read. A command read
     * here was delivered through another node of a cluster (or before a restart): it joins this
     * node's index, so that its result, which follows its ack, needs no second read.
     */
    private Optional<Command> running(DeviceId device, String wireId) {
        Optional<CommandId> id = commandId(wireId);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        Optional<Command> live = running.find(id.get());
        if (live.isPresent()) {
            return live.filter(c -> c.deviceId().equals(device));
        }
        Optional<Command> stored = store.find(id.get())
                .filter(c -> c.deviceId().equals(device) && CommandState.RUNNING.contains(c.state()));
        stored.ifPresent(running::putIfAbsent);
        return stored;
    }

    private static Optional<CommandId> commandId(String wire) {
        try {
            return Optional.of(new CommandId(Long.parseLong(wire)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        lanes.close();
    }

    /**
     * error_message is for failures only: a success's message (a summary such as "uploaded 3 files")
     * is not stored; what a success has to say belongs in its result object.
     */
    private static String errorMessage(Messages.CommandResult result) {
        return result.succeeded() || result.message() == null ? "" : result.message();
    }
}
