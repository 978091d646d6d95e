package dev.roost.server.command;

/** What became of a result a device reported (docs/protocol.md, {@code command_result}). */
public enum ResultOutcome {
    /** Stored: the command is final now (or, for a reboot, waits for its evidence). Acknowledge it. */
    STORED,
    /** The command had already finished with this same result: nothing changed. Acknowledge it again. */
    DUPLICATE,
    /** No such running command of this device, or it ended otherwise (timeout, cancel): nothing changed. */
    UNKNOWN,
    /** Storing failed (database error or timeout): nothing changed; the device sends it again later. */
    FAILED
}
