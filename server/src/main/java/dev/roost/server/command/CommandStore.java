package dev.roost.server.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.GroupId;
import dev.roost.server.common.Page;
import dev.roost.server.common.PageRequest;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Persistence of commands. State changes are conditional, so that concurrent changes cannot both win. */
public interface CommandStore {
    /** Stores a group command and its member commands in one transaction. */
    void insertGroup(GroupCommand group, String idempotencyKey, List<Command> commands);

    Optional<Command> find(CommandId id);

    Optional<Command> findByKey(DeviceId device, String idempotencyKey);

    Optional<GroupCommand> findGroup(GroupCommandId id);

    Optional<GroupCommand> findGroupByKey(GroupId groupId, String idempotencyKey);

    Page<Command> list(CommandFilter filter, PageRequest page);

    /** The device's QUEUED, SENT and ACKED commands, oldest first, at most {@code limit}: one read per delivery. */
    List<Command> active(DeviceId device, int limit);

    int countUndelivered(DeviceId device);

    /** Every SENT or ACKED command (to rebuild the timeout index at start). */
    List<Command> running();

    /**
     * Moves the run deadline of every SENT or ACKED command that ends before {@code floor} to
     * {@code floor} (the restart grace); @return how many were moved.
     */
    int extendRunDeadlines(Instant floor);

    /** Devices that have QUEUED commands, at most {@code limit}. */
    List<DeviceId> devicesWithQueued(int limit);

    /** Queued commands whose delivery deadline passed. */
    List<Command> overdueQueued(Instant now, int limit);

    /** QUEUED → SENT with the attempt's deadline (a resend of a SENT command keeps SENT). */
    boolean markSent(CommandId id, Instant runDeadline, String bootIdBefore, Instant at);

    /** Moves the command from any of {@code from} to {@code to}; the result fields are set when given. */
    boolean transition(CommandId id, Set<CommandState> from, CommandState to, Instant at,
                       Optional<JsonNode> result, int deviceStatusCode, String errorMessage);

    Map<CommandState, Long> countsByState(GroupCommandId groupCommandId);

    /** One write of {@link #writeAll}: a new command's row, or a change of a stored command. */
    sealed interface Write permits Insert, Transition {
        CommandId id();
    }

    /** A new command, stored as it is. */
    record Insert(Command command) implements Write {
        @Override
        public CommandId id() {
            return command.id();
        }
    }

    /** One conditional state change, as {@link #transition} takes it. */
    record Transition(CommandId id, Set<CommandState> from, CommandState to, Instant at, Optional<JsonNode> result,
                      int deviceStatusCode, String errorMessage) implements Write {
    }

    /**
     * Applies the writes in order, in one transaction: all or none are stored.
     *
     * @return for each write, whether it applied: an insert always does, a change when its command
     *         was in one of its {@code from} states
     * @throws dev.roost.server.error.RoostException ALREADY_EXISTS when an insert's idempotency key
     *         (or id) is taken; nothing is stored then
     */
    boolean[] writeAll(List<? extends Write> writes);
}
