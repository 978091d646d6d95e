package dev.roost.edge.command;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a process with a deadline and keeps at most {@code maxOutputBytes} of each output stream
 * (the rest is read and dropped, so the process never blocks on a full pipe). Killed, with its
 * descendants, on timeout or interrupt.
 */
public final class ProcessRunner {
    private final int maxOutputBytes;

    public ProcessRunner(int maxOutputBytes) {
        this.maxOutputBytes = maxOutputBytes;
    }

    public ProcessOutput run(List<String> commandLine, Map<String, String> environment, String stdin,
                             Duration timeout) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(commandLine);
        builder.environment().putAll(environment);
        Process process = builder.start();
        CappedSink out = new CappedSink(maxOutputBytes);
        CappedSink err = new CappedSink(maxOutputBytes);
        Thread outReader = Thread.ofVirtual().start(() -> out.drain(process.getInputStream()));
        Thread errReader = Thread.ofVirtual().start(() -> err.drain(process.getErrorStream()));
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException ignored) {
            // the process does not read its input
        }
        boolean finished;
        try {
            finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            kill(process);
            throw e;
        }
        if (!finished) {
            kill(process);
        }
        outReader.join(Duration.ofSeconds(2));
        errReader.join(Duration.ofSeconds(2));
        return new ProcessOutput(finished ? process.exitValue() : -1, out.text(), err.text(),
                out.truncated() || err.truncated(), !finished);
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** Keeps the first bytes of a stream and counts the rest. */
    private static final class CappedSink {
        private final int cap;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private volatile boolean truncated;

        CappedSink(int cap) {
            this.cap = cap;
        }

        void drain(InputStream stream) {
            byte[] buffer = new byte[8192];
            try (stream) {
                int read;
                while ((read = stream.read(buffer)) >= 0) {
                    int room = cap - kept.size();
                    if (room > 0) {
                        kept.write(buffer, 0, Math.min(room, read));
                    }
                    if (read > room) {
                        truncated = true;
                    }
                }
            } catch (IOException ignored) {
                // the process was killed
            }
        }

        String text() {
            synchronized (kept) {
                return kept.toString(StandardCharsets.UTF_8);
            }
        }

        boolean truncated() {
            return truncated;
        }
    }
}
