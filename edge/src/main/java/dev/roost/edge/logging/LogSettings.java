package dev.roost.edge.logging;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The agent's local log files.
 *
 * @param dir          where {@code roost-edge.log} and its rotated files live
 * @param maxFileBytes rotate when the current file reaches this size
 * @param rotateEvery  rotate when the current file is this old
 * @param maxFiles     keep at most this many rotated files
 * @param retention    delete rotated files older than this
 * @param level        JUL level name of the agent's own loggers
 */
public record LogSettings(Path dir, long maxFileBytes, Duration rotateEvery, int maxFiles, Duration retention,
                          String level) {
}
