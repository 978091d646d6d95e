package dev.roost.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends the pid of every process the suite starts to a file, so that bench/run-faults.sh can stop
 * exactly those (by id) when the suite itself was killed before it could.
 */
final class ChildPids {
    private final Path file;

    /** @param file where to append; null records nothing */
    ChildPids(Path file) {
        this.file = file;
    }

    void record(Process process) {
        if (file == null) {
            return;
        }
        try {
            Files.writeString(file, process.pid() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record pid in " + file, e);
        }
    }
}
