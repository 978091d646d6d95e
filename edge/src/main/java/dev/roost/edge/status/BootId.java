package dev.roost.edge.status;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The id of the current boot: Linux's {@code /proc/sys/kernel/random/boot_id}, else derived from
 * the boot time. The server takes a new boot id after a reboot command as the proof that it
 * happened; the agent's "restart" reboot action renews it without a real reboot.
 */
public final class BootId {
    private static final Path LINUX_BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    private volatile String current;

    public BootId(String initial) {
        this.current = initial;
    }

    public static BootId ofSystem(long bootTimeEpochSeconds) {
        try {
            if (Files.isReadable(LINUX_BOOT_ID)) {
                return new BootId(Files.readString(LINUX_BOOT_ID).trim());
            }
        } catch (IOException ignored) {
            // fall back to the boot time
        }
        return new BootId(UUID.nameUUIDFromBytes(Long.toString(bootTimeEpochSeconds).getBytes()).toString());
    }

    public String current() {
        return current;
    }

    /** A fresh id, as after a reboot. */
    public String renew() {
        current = UUID.randomUUID().toString();
        return current;
    }
}
