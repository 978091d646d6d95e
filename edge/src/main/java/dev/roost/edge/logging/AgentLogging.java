package dev.roost.edge.logging;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The agent's one logging setup: {@code System.Logger} over JUL, to rotating files and the
 * console. Libraries that log through SLF4J (OSHI, sshj) reach JUL via slf4j-jdk14.
 */
public final class AgentLogging {
    private AgentLogging() {
    }

    /** Replaces the root logger's handlers; returns the file handler for {@code upload_log}. */
    public static RotatingLogFiles install(LogSettings settings) throws IOException {
        Formatter formatter = new LineFormatter();
        RotatingLogFiles files = new RotatingLogFiles(settings, formatter, Clock.systemUTC());
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        Handler console = new ConsoleHandler();
        console.setFormatter(formatter);
        root.addHandler(console);
        root.addHandler(files);
        root.setLevel(Level.INFO);
        Logger.getLogger("dev.roost").setLevel(Level.parse(settings.level().toUpperCase()));
        return files;
    }

    /**
     * Sends the records of {@code loggerName} at {@code level} and above to {@code writer} only, one
     * line each (the agent's format, not JUL's two-line default), until the returned handle is closed;
     * closing restores the logger as it was. For programs that share the console with other output,
     * such as the simulator.
     */
    public static AutoCloseable toWriter(String loggerName, Level level, PrintWriter writer) {
        Logger logger = Logger.getLogger(loggerName);
        Level previousLevel = logger.getLevel();
        boolean previousUseParent = logger.getUseParentHandlers();
        Formatter formatter = new LineFormatter();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (isLoggable(record)) {
                    writer.print(formatter.format(record));
                    writer.flush();
                }
            }

            @Override
            public void flush() {
                writer.flush();
            }

            @Override
            public void close() {
                writer.flush();
            }
        };
        logger.setLevel(level);
        logger.setUseParentHandlers(false);
        logger.addHandler(handler);
        return () -> {
            logger.removeHandler(handler);
            logger.setUseParentHandlers(previousUseParent);
            logger.setLevel(previousLevel);
        };
    }

    /** One line per record: time, level, logger, message, stack trace. */
    static final class LineFormatter extends Formatter {
        @Override
        public String format(LogRecord record) {
            StringBuilder line = new StringBuilder(160)
                    .append(Instant.ofEpochMilli(record.getMillis())).append(' ')
                    .append(record.getLevel().getName()).append(' ')
                    .append(shortName(record.getLoggerName())).append(": ")
                    .append(formatMessage(record)).append(System.lineSeparator());
            if (record.getThrown() != null) {
                java.io.StringWriter trace = new java.io.StringWriter();
                record.getThrown().printStackTrace(new java.io.PrintWriter(trace));
                line.append(trace);
            }
            return line.toString();
        }

        private static String shortName(String name) {
            if (name == null) {
                return "";
            }
            int dot = name.lastIndexOf('.');
            return dot < 0 ? name : name.substring(dot + 1);
        }
    }
}
