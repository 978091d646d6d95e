package dev.roost.server.devicelogs;

import dev.roost.server.common.DeviceId;
import dev.roost.server.device.DeviceStore;
import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
import dev.roost.server.security.Caller;
import dev.roost.server.security.Role;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/** Lists and reads the files devices uploaded to the log receiver (viewer role). */
public final class LogService {
    private final DeviceFolders folders;
    private final DeviceStore devices;

    public LogService(LogSettings settings, DeviceStore devices) {
        this.folders = new DeviceFolders(settings.dir());
        this.devices = devices;
    }

    /** An uploaded file and its content, to be closed by the caller. */
    public record Download(LogFile file, InputStream content) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            content.close();
        }
    }

    /** The device's files by name; empty when it uploaded nothing. */
    public List<LogFile> list(Caller caller, DeviceId device) {
        caller.require(Role.VIEWER);
        requireDevice(device);
        return folders.list(device);
    }

    public Download open(Caller caller, DeviceId device, String name) {
        caller.require(Role.VIEWER);
        requireDevice(device);
        if (!DeviceFolders.validName(name)) {
            throw RoostException.invalid("name", "must be a file name of letters, digits and . _ - (at most 128)");
        }
        Path file = folders.file(device, name).orElseThrow(() -> new RoostException(ErrorCode.NOT_FOUND,
                "device " + device + " has no log file '" + name + "'"));
        try {
            var attributes = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            return new Download(new LogFile(name, attributes.size(), attributes.lastModifiedTime().toInstant()),
                    Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void requireDevice(DeviceId device) {
        if (devices.find(device).isEmpty()) {
            throw RoostException.notFound("device", device);
        }
    }
}
