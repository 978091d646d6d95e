package dev.roost.edge.command;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a finished (or killed) process left.
 *
 * @param truncated some output beyond the cap was dropped
 */
public record ProcessOutput(int exitCode, String stdout, String stderr, boolean truncated, boolean timedOut) {
    public ObjectNode toJson() {
        return JsonNodeFactory.instance.objectNode()
                .put("exit_code", exitCode)
                .put("stdout", stdout)
                .put("stderr", stderr)
                .put("truncated", truncated)
                .put("timed_out", timedOut);
    }
}
