package dev.roost.edge.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The formatted messages one class logs at INFO and above, while open: for tests that wait for
 * something only the log tells.
 */
public final class CapturedLog implements AutoCloseable {
    private final Logger logger;
    private final Level levelBefore;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(new SimpleFormatter().formatMessage(record));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private CapturedLog(Class<?> source) {
        logger = Logger.getLogger(source.getName());
        levelBefore = logger.getLevel();
        // Its own level: an agent started by another test of this JVM may have set "dev.roost" to WARNING.
        logger.setLevel(Level.INFO);
        logger.addHandler(capture);
    }

    public static CapturedLog of(Class<?> source) {
        return new CapturedLog(source);
    }

    /** The messages so far, formatted, oldest first. */
    public List<String> lines() {
        return lines;
    }

    @Override
    public void close() {
        logger.removeHandler(capture);
        logger.setLevel(levelBefore);
    }
}
