package dev.roost.server.cluster;

import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;

/** Cross-node calls that NATS could not carry: the APIs answer UNAVAILABLE naming the cause. */
final class ClusterFailures {
    private ClusterFailures() {
    }

    static RoostException unavailable(String what, Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String reason = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return new RoostException(ErrorCode.UNAVAILABLE, "cluster: " + what + " failed: " + reason);
    }
}
