package dev.roost.fault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What every scenario run shares.
 *
 * @param devices        well-behaved devices per run
 * @param commandTimeout each command's run timeout (longer than any injected outage)
 * @param settle         how long, after the fault, commands may take to become final
 * @param seed           seeds every random choice (proxy, fuzzer, device backoff)
 * @param pids           where each child process is recorded, for the shell's trap
 */
record RunSettings(Path java, Path serverJar, Path workRoot, int devices, Duration heartbeat,
                   Duration statusInterval, Duration commandTimeout, Duration settle, long seed,
                   List<String> serverJvmArgs, boolean keepWorkDirs, ChildPids pids) {
    static final String ADMIN_TOKEN = "fault-admin-token-0123456789abcdef";

    /** A heartbeat answered later than this disturbed the device. */
    Duration slowPong() {
        return heartbeat.dividedBy(2);
    }
}
