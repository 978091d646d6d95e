package dev.roost.edge.logging;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.stream.Stream;

/**
 * A JUL handler writing {@code roost-edge.log}, rotated by size and by age into
 * {@code roost-edge-<UTC time>.log}, with retention by count and by age. {@code upload_log}
 * uploads the rotated files.
 */
public final class RotatingLogFiles extends Handler {
    static final String CURRENT = "roost-edge.log";
    private static final String PREFIX = "roost-edge-";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")
            .withZone(ZoneOffset.UTC);

    private final LogSettings settings;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private OutputStream out;
    private long size;
    private Instant openedAt;

    public RotatingLogFiles(LogSettings settings, Formatter formatter, Clock clock) throws IOException {
        this.settings = settings;
        this.clock = clock;
        setFormatter(formatter);
        Files.createDirectories(settings.dir());
        open();
        prune();
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        byte[] line = getFormatter().format(record).getBytes(StandardCharsets.UTF_8);
        lock.lock();
        try {
            if (size > 0 && (size + line.length > settings.maxFileBytes()
                    || !clock.instant().isBefore(openedAt.plus(settings.rotateEvery())))) {
                rotateLocked();
            }
            out.write(line);
            out.flush();
            size += line.length;
        } catch (IOException e) {
            reportError("cannot write the log file", e, java.util.logging.ErrorManager.WRITE_FAILURE);
        } finally {
            lock.unlock();
        }
    }

    /** Closes the current file as a rotated one (if it has content) and starts a new one. */
    public void rotate() throws IOException {
        lock.lock();
        try {
            if (size > 0) {
                rotateLocked();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The rotated files, oldest first. */
    public List<Path> rotatedFiles() throws IOException {
        try (Stream<Path> files = Files.list(settings.dir())) {
            return files.filter(f -> {
                String name = f.getFileName().toString();
                return name.startsWith(PREFIX) && name.endsWith(".log");
            }).sorted(Comparator.comparing(f -> f.getFileName().toString())).toList();
        }
    }

    private void rotateLocked() throws IOException {
        out.close();
        Path target = settings.dir().resolve(PREFIX + STAMP.format(clock.instant()) + ".log");
        Files.move(settings.dir().resolve(CURRENT), target);
        open();
        prune();
    }

    private void open() throws IOException {
        Path current = settings.dir().resolve(CURRENT);
        out = Files.newOutputStream(current, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        size = Files.size(current);
        openedAt = clock.instant();
    }

    private void prune() throws IOException {
        List<Path> rotated = rotatedFiles();
        Instant oldest = clock.instant().minus(settings.retention());
        for (int i = 0; i < rotated.size(); i++) {
            Path file = rotated.get(i);
            boolean tooMany = rotated.size() - i > settings.maxFiles();
            if (tooMany || Files.getLastModifiedTime(file).toInstant().isBefore(oldest)) {
                Files.deleteIfExists(file);
            }
        }
    }

    @Override
    public void flush() {
        lock.lock();
        try {
            out.flush();
        } catch (IOException ignored) {
            // nothing to do
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            out.close();
        } catch (IOException ignored) {
            // nothing to do
        } finally {
            lock.unlock();
        }
    }
}
