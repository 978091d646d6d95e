package dev.roost.server.command;

import java.util.EnumSet;
import java.util.Set;

/** A command's lifecycle: QUEUED → SENT → ACKED → SUCCEEDED | FAILED | TIMED_OUT | EXPIRED | CANCELLED. */
public enum CommandState {
    QUEUED,
    SENT,
    ACKED,
    SUCCEEDED,
    FAILED,
    TIMED_OUT,
    /** Not delivered before its delivery deadline. */
    EXPIRED,
    CANCELLED;

    public static final Set<CommandState> RUNNING = EnumSet.of(SENT, ACKED);
    public static final Set<CommandState> CANCELLABLE = EnumSet.of(QUEUED, SENT);

    public boolean isFinal() {
        return compareTo(SUCCEEDED) >= 0;
    }
}
