package dev.roost.server.devicelogs;

import java.time.Instant;

/** One file a device uploaded: its name in the device's folder, size and last change. */
public record LogFile(String name, long sizeBytes, Instant modifiedAt) {
}
