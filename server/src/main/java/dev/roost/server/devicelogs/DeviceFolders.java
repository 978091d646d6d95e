package dev.roost.server.devicelogs;

import dev.roost.server.common.DeviceId;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The logs folder: {@code <dir>/<device id>/<file>}, flat. A file name is one path element of
 * safe characters; symbolic links and anything that is not a regular file are never listed or read.
 */
final class DeviceFolders {
    private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$");

    private final Path root;

    DeviceFolders(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    Path folder(DeviceId device) {
        return root.resolve(device.toString());
    }

    static boolean validName(String name) {
        return NAME.matcher(name).matches() && !name.contains("..");
    }

    /** The regular file {@code name} of the device, never following a link. */
    Optional<Path> file(DeviceId device, String name) {
        if (!validName(name)) {
            return Optional.empty();
        }
        Path file = folder(device).resolve(name);
        return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? Optional.of(file) : Optional.empty();
    }

    List<LogFile> list(DeviceId device) {
        List<LogFile> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder(device))) {
            for (Path entry : entries) {
                BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                String name = entry.getFileName().toString();
                if (attributes.isRegularFile() && validName(name)) {
                    files.add(new LogFile(name, attributes.size(), attributes.lastModifiedTime().toInstant()));
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.sort(Comparator.comparing(LogFile::name));
        return files;
    }

    /** Bytes held by one device's folder (regular files only). */
    long usage(Path folder) throws IOException {
        long total = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (attributes.isRegularFile()) {
                    total += attributes.size();
                }
            }
        } catch (NoSuchFileException e) {
            return 0;
        }
        return total;
    }
}
