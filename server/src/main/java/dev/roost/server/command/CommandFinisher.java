package dev.roost.server.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.server.common.Text;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Moves commands to their final states through the group commit ({@link TransitionWriter}) and,
 * only once such a change is durable, does what follows it: the command leaves the running index,
 * its transition is logged, its waiting callers wake, and the listeners (the next delivery, the
 * reboot verifier) are told. A change whose condition no longer held (a result, a timeout and a
 * cancel raced) changes nothing and is reported as not applied.
 */
final class CommandFinisher {
    private final CommandStore store;
    private final TransitionWriter writer;
    private final RunningCommands running;
    private final CommandWaiters waiters;
    private final CommandJournal journal;
    private final Clock clock;
    private final List<Consumer<Command>> listeners = new CopyOnWriteArrayList<>();

    CommandFinisher(CommandStore store, TransitionWriter writer, RunningCommands running, CommandWaiters waiters,
                    CommandJournal journal, Clock clock) {
        this.store = store;
        this.writer = writer;
        this.running = running;
        this.waiters = waiters;
        this.journal = journal;
        this.clock = clock;
    }

    /** Called, on the writer's thread, with every command this node finished, as finished. Must be quick. */
    void afterFinish(Consumer<Command> listener) {
        listeners.add(listener);
    }

    boolean finish(Command command, Set<CommandState> from, CommandState to, Optional<JsonNode> result, int code,
                   String message, String actor) {
        return joined(finishAsync(command, from, to, result, code, message, actor));
    }

    /** A final state through the group commit; completes with whether it applied, once durable. */
    CompletableFuture<Boolean> finishAsync(Command command, Set<CommandState> from, CommandState to,
                                           Optional<JsonNode> result, int code, String message, String actor) {
        Instant now = clock.instant();
        // A device's failure text can be any length: cut it to its column before it is stored.
        String errorMessage = Text.bounded(message, Command.MAX_ERROR_MESSAGE);
        return writer.submit(new CommandStore.Transition(command.id(), from, to, now, result, code, errorMessage))
                .thenApply(applied -> {
                    if (applied) {
                        finished(command.moved(to, now, result, code, errorMessage), actor, errorMessage);
                    }
                    return applied;
                });
    }

    /** QUEUED past its delivery deadline → EXPIRED. */
    boolean expire(Command command) {
        return finish(command, EnumSet.of(CommandState.QUEUED), CommandState.EXPIRED, Optional.empty(), 0,
                "not delivered before its delivery deadline", "system");
    }

    private void finished(Command done, String actor, String reason) {
        running.remove(done.id());
        journal.record(done, done.state(), actor, reason);
        // Listeners first: a caller woken below may send the next command at once, and should find
        // the device as this finish left it (known empty, nothing in flight).
        for (Consumer<Command> listener : listeners) {
            listener.accept(done);
        }
        waiters.finished(done);
    }

    /**
     * A command finished on another node of the cluster: this node forgets its running copy and
     * wakes its callers waiting for it (only then is the command read).
     */
    void finishedElsewhere(CommandId id) {
        running.remove(id);
        if (waiters.isWaiting(id)) {
            store.find(id).filter(command -> command.state().isFinal()).ifPresent(waiters::finished);
        }
    }

    static <T> T joined(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (unwrap(e) instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }

    static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
