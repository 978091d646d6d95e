package dev.roost.server.status;

import java.time.Instant;

/**
 * A device's latest reported state. The JSON is kept as UTF-8 bytes: compact in memory, parsed only
 * when a diff has to be applied.
 */
public record Reported(long version, byte[] json, Instant at, String bootId) {
    /** The one of two reports of the same device with the higher version ({@code a} on a tie). */
    static Reported newer(Reported a, Reported b) {
        return a.version() >= b.version() ? a : b;
    }
}
