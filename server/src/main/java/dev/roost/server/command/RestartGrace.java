package dev.roost.server.command;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Deadlines of the commands that were running (SENT or ACKED) when the server stopped. Their devices
 * could not answer while it was down and cannot before they have reconnected, so at start-up no
 * running command ends before the listener opened plus the grace ({@code roost.commands.restart-grace}):
 * an earlier deadline, passed or not, is moved to that floor; a later one stays.
 */
record RestartGrace(Duration grace) {

    /** The earliest deadline a running command keeps when the listener opened at {@code listenerOpen}. */
    Instant floor(Instant listenerOpen) {
        return listenerOpen.plus(grace);
    }

    /** {@code command} with its run deadline raised to {@code floor} when it ended earlier. */
    static Command applied(Command command, Instant floor) {
        Optional<Instant> deadline = command.runDeadline();
        if (deadline.isEmpty() || !deadline.get().isBefore(floor)) {
            return command;
        }
        return command.withRunDeadline(floor);
    }
}
