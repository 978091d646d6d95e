package dev.roost.server.command;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Callers waiting for commands to reach a final state. */
final class CommandWaiters {
    private final ConcurrentMap<Long, CompletableFuture<Command>> waiting = new ConcurrentHashMap<>();

    /** Blocks until the command is final or the wait ends; empty on timeout. */
    Optional<Command> await(CommandId id, Duration wait, java.util.function.Supplier<Command> current) {
        CompletableFuture<Command> future = waiting.computeIfAbsent(id.value(), k -> new CompletableFuture<>());
        Command now = current.get();
        if (now.state().isFinal()) {
            finished(now);
            return Optional.of(now);
        }
        try {
            return Optional.of(future.get(wait.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            if (future.isDone()) {
                waiting.remove(id.value(), future);
            }
        }
    }

    boolean isWaiting(CommandId id) {
        return waiting.containsKey(id.value());
    }

    void finished(Command command) {
        CompletableFuture<Command> future = waiting.remove(command.id().value());
        if (future != null) {
            future.complete(command);
        }
    }
}
