package dev.roost.server.command;

import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.UnaryOperator;

/**
 * The SENT and ACKED commands of this node, as stored: acks, results and timeouts need no read,
 * and their run deadlines drive the sweep. Only a command this node delivered, found running at
 * start, or read for an ack or a result of one of its devices is here; one that finished, here or
 * on another node, is removed (a copy the sweep finds already finished, too).
 */
final class RunningCommands {
    private final ConcurrentMap<Long, Command> byId = new ConcurrentHashMap<>();

    void put(Command command) {
        byId.put(command.id().value(), command);
    }

    /** Adds a copy read from the store unless the index already holds one (which is newer). */
    void putIfAbsent(Command command) {
        byId.putIfAbsent(command.id().value(), command);
    }

    Optional<Command> find(CommandId id) {
        return Optional.ofNullable(byId.get(id.value()));
    }

    /**
     * {@code stored}, or this node's running copy of it when that is ACKED while the store still
     * says SENT: the device's ack is held back before it is written ({@link TransitionWriter#submitAck}).
     */
    Command withHeldAck(Command stored) {
        if (stored.state() != CommandState.SENT) {
            return stored;
        }
        Command live = byId.get(stored.id().value());
        return live != null && live.state() == CommandState.ACKED ? live : stored;
    }

    void remove(CommandId id) {
        byId.remove(id.value());
    }

    /** Removes {@code command} only if the index still holds this very copy of it. */
    void remove(Command command) {
        byId.remove(command.id().value(), command);
    }

    /** The running copy moved to ACKED, when it is still here. */
    void acked(CommandId id, Instant at) {
        byId.computeIfPresent(id.value(), (key, sent) -> sent.moved(CommandState.ACKED, at, Optional.empty(), 0, ""));
    }

    void replaceAll(UnaryOperator<Command> change) {
        byId.replaceAll((id, command) -> change.apply(command));
    }

    Collection<Command> all() {
        return byId.values();
    }

    int size() {
        return byId.size();
    }
}
