package dev.roost.edge.link;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The text format of stored session tokens, shared by the agent's {@code session.token} and the
 * simulator's {@code <devices file>.tokens}: one token per line, {@code device_id,token,expires_at_ms}
 * (epoch milliseconds); blank lines and lines starting with {@code #} are skipped.
 *
 * <p>The file holds credentials: it is written to a temporary file created readable by its owner only
 * ({@code rw-------} where the file system is POSIX), then moved over the old one atomically, so a
 * reader — or a process killed mid-write — sees the old file or the new one, never half of one. One
 * writer per file.
 */
public final class SessionTokenFile {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private SessionTokenFile() {
    }

    /** Every token of the file, expired ones included; a malformed line fails the whole read. */
    public static List<SessionToken> read(Path file) throws IOException {
        List<SessionToken> tokens = new ArrayList<>();
        int number = 0;
        for (String line : Files.readAllLines(file)) {
            number++;
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            String[] parts = text.split(",", -1);
            if (parts.length != 3 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new IOException(file + ":" + number + ": expected device_id,token,expires_at_ms");
            }
            try {
                tokens.add(new SessionToken(parts[0].strip(), parts[1].strip(),
                        Instant.ofEpochMilli(Long.parseLong(parts[2].strip()))));
            } catch (NumberFormatException e) {
                throw new IOException(file + ":" + number + ": expires_at_ms is not a number");
            }
        }
        return tokens;
    }

    /**
     * Replaces the file with {@code tokens}, atomically and owner-only. A token whose device id or
     * value cannot be written on one line of this format is left out (it costs one secret
     * authentication). Returns how many tokens were written.
     */
    public static int write(Path file, Collection<SessionToken> tokens) throws IOException {
        StringBuilder text = new StringBuilder(tokens.size() * 160);
        int written = 0;
        for (SessionToken token : tokens) {
            if (representable(token.deviceId()) && representable(token.value())) {
                text.append(token.deviceId()).append(',').append(token.value()).append(',')
                        .append(token.expiresAt().toEpochMilli()).append('\n');
                written++;
            }
        }
        Path target = file.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        try {
            createOwnerOnly(temp);
            Files.writeString(temp, text);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        return written;
    }

    private static void createOwnerOnly(Path temp) throws IOException {
        boolean posix = temp.getFileSystem().supportedFileAttributeViews().contains("posix");
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        try {
            Files.createFile(temp, attributes);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("another writer is replacing " + temp, e);
        }
    }

    private static boolean representable(String field) {
        if (field.isBlank()) {
            return false;
        }
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == ',' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                return false;
            }
        }
        return true;
    }
}
