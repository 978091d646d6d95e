package dev.roost.server.devicelogs;

import dev.roost.protocol.Messages;
import dev.roost.server.common.DeviceId;
import dev.roost.server.security.Sources;
import dev.roost.server.southbound.DeviceAuthenticator;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The built-in SFTP receiver for device logs. A device logs in with its id as user name and its
 * secret as password (the same check, and the same failed-login limits, as its WebSocket login)
 * and sees only its own folder, {@code <dir>/<device id>/}, as {@code /}: a chroot. In it, it may
 * write, read, list, rename and remove plain files of safe names; directories, links and
 * attribute changes are refused, as is every path outside it. A file is cut at
 * {@code max-file-bytes}, and a device's files together at {@code max-device-bytes}; files older
 * than the retention are deleted by an hourly sweep.
 */
public final class SftpReceiver implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SftpReceiver.class.getName());
    private static final Pattern DEVICE_USER = Pattern.compile("^[1-9][0-9]{0,18}$");

    private final LogSettings settings;
    private final DeviceFolders folders;
    private final Clock clock;
    private final SshServer server;
    private final String fingerprint;
    private final ScheduledExecutorService retention = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("roost-log-retention").daemon().factory());

    private SftpReceiver(LogSettings settings, DeviceAuthenticator authenticator, Clock clock) throws IOException {
        this.settings = settings;
        this.folders = new DeviceFolders(settings.dir());
        this.clock = clock;
        Files.createDirectories(folders.root());
        Path keyFile = settings.hostKeyFile().toAbsolutePath();
        Files.createDirectories(keyFile.getParent());
        SimpleGeneratorHostKeyProvider hostKey = new SimpleGeneratorHostKeyProvider(keyFile);
        List<KeyPair> keys = hostKey.loadKeys(null);
        this.fingerprint = KeyUtils.getFingerPrint(keys.getFirst().getPublic());

        server = SshServer.setUpDefaultServer();
        server.setHost(settings.host());
        server.setPort(settings.port());
        server.setKeyPairProvider(hostKey);
        server.setPasswordAuthenticator((user, password, session) -> accepts(authenticator, user, password, session));
        server.setPublickeyAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setFileSystemFactory(new DeviceFolderFactory(folders));
        server.setSubsystemFactories(List.of(new SftpSubsystemFactory.Builder()
                .withFileSystemAccessor(new LimitedAccessor()).build()));
    }

    /** Starts the receiver; its host key is generated and stored at the first start. */
    public static SftpReceiver start(LogSettings settings, DeviceAuthenticator authenticator, Clock clock) {
        try {
            SftpReceiver receiver = new SftpReceiver(settings, authenticator, clock);
            receiver.server.start();
            receiver.retention.scheduleWithFixedDelay(receiver::sweepQuietly, 0, 1, TimeUnit.HOURS);
            LOG.log(System.Logger.Level.INFO, "log receiver (SFTP) on port {0}, host key {1}, files in {2}",
                    String.valueOf(receiver.port()), receiver.fingerprint, receiver.folders.root());
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the log receiver on port " + settings.port(), e);
        }
    }

    public int port() {
        return server.getPort();
    }

    /** The host key as devices check it: {@code SHA256:<base64>}. */
    public String hostKeyFingerprint() {
        return fingerprint;
    }

    private static boolean accepts(DeviceAuthenticator authenticator, String user, String password,
                                   ServerSession session) {
        if (user == null || password == null || !DEVICE_USER.matcher(user).matches()) {
            return false;
        }
        String source = Sources.host(session.getClientAddress());
        try {
            return authenticator.authenticate(Messages.Auth.withSecret(user, password), source, Optional.empty())
                    instanceof DeviceAuthenticator.Accepted accepted && accepted.device().id().toString().equals(user);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "SFTP login of device {0} could not be checked: {1}", user,
                    e.getMessage());
            return false;
        }
    }

    private static DeviceId deviceOf(SessionContext session) {
        return new DeviceId(Long.parseLong(session.getUsername()));
    }

    /** Each device's file system is its own folder, created at its first login. */
    private static final class DeviceFolderFactory extends VirtualFileSystemFactory {
        private final DeviceFolders folders;

        DeviceFolderFactory(DeviceFolders folders) {
            this.folders = folders;
        }

        @Override
        public Path getUserHomeDir(SessionContext session) throws IOException {
            Path folder = folders.folder(deviceOf(session));
            Files.createDirectories(folder);
            return folder;
        }
    }

    /** What a device may do in its folder, and the size limits on what it writes. */
    private final class LimitedAccessor implements SftpFileSystemAccessor {
        @Override
        public SeekableByteChannel openFile(SftpSubsystemProxy subsystem, FileHandle handle, Path file, String name,
                                            Set<? extends OpenOption> options, FileAttribute<?>... attributes)
                throws IOException {
            String fileName = plainFile(file);
            boolean writes = options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
            SeekableByteChannel channel = SftpFileSystemAccessor.super.openFile(subsystem, handle, file, name,
                    options, attributes);
            if (!writes) {
                return channel;
            }
            DeviceId device = deviceOf(subsystem.getServerSession());
            Path folder = folders.folder(device);
            long others = folders.usage(folder) - channel.size();
            long limit = Math.min(settings.maxFileBytes(), settings.maxDeviceBytes() - others);
            if (limit <= 0) {
                channel.close();
                LOG.log(System.Logger.Level.WARNING, "device {0}: upload of {1} refused, its folder is full ({2} bytes)",
                        device, fileName, String.valueOf(settings.maxDeviceBytes()));
                throw new IOException("the device's log folder is full (" + settings.maxDeviceBytes() + " bytes)");
            }
            return new LimitedChannel(channel, limit, () -> LOG.log(System.Logger.Level.WARNING,
                    "device {0}: upload of {1} cut off at {2} bytes", device, fileName, String.valueOf(limit)));
        }

        @Override
        public DirectoryStream<Path> openDirectory(SftpSubsystemProxy subsystem,
                                                   org.apache.sshd.sftp.server.DirectoryHandle handle, Path dir,
                                                   String name, LinkOption... options) throws IOException {
            if (dir.getNameCount() != 0) {
                throw new AccessDeniedException(name, null, "only the device's own folder can be listed");
            }
            return SftpFileSystemAccessor.super.openDirectory(subsystem, handle, dir, name, options);
        }

        @Override
        public void createDirectory(SftpSubsystemProxy subsystem, Path path) throws IOException {
            throw new AccessDeniedException(path.toString(), null, "folders cannot be created");
        }

        @Override
        public void createLink(SftpSubsystemProxy subsystem, Path link, Path existing, boolean symLink)
                throws IOException {
            throw new AccessDeniedException(link.toString(), null, "links cannot be created");
        }

        @Override
        public void renameFile(SftpSubsystemProxy subsystem, Path oldPath, Path newPath,
                               Collection<java.nio.file.CopyOption> opts) throws IOException {
            plainFile(oldPath);
            plainFile(newPath);
            SftpFileSystemAccessor.super.renameFile(subsystem, oldPath, newPath, opts);
        }

        @Override
        public void removeFile(SftpSubsystemProxy subsystem, Path path, boolean isDirectory) throws IOException {
            if (isDirectory) {
                throw new AccessDeniedException(path.toString(), null, "folders cannot be removed");
            }
            plainFile(path);
            SftpFileSystemAccessor.super.removeFile(subsystem, path, isDirectory);
        }

        @Override
        public void setFileAttribute(SftpSubsystemProxy subsystem, Path file, String view, String attribute,
                                     Object value, LinkOption... options) throws IOException {
            // Uploaders set times and permissions after a put; neither matters here, and neither is applied.
        }

        /** A file directly in the device's folder, with a safe name and not a link; its name. */
        private static String plainFile(Path file) throws IOException {
            Path name = file.getFileName();
            if (file.getNameCount() != 1 || name == null || !DeviceFolders.validName(name.toString())) {
                throw new AccessDeniedException(String.valueOf(file), null, "only plain files of safe names directly "
                        + "in the device's folder");
            }
            if (Files.isSymbolicLink(file)) {
                throw new AccessDeniedException(file.toString(), null, "links are not followed");
            }
            return name.toString();
        }
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "log retention sweep failed: {0}", e.toString());
        }
    }

    /** Deletes files older than the retention; returns how many. */
    int sweep() throws IOException {
        Instant oldest = clock.instant().minus(settings.retention());
        int deleted = 0;
        try (DirectoryStream<Path> devices = Files.newDirectoryStream(folders.root())) {
            for (Path folder : devices) {
                if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
                    for (Path file : files) {
                        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                                LinkOption.NOFOLLOW_LINKS);
                        if (!attributes.isDirectory() && attributes.lastModifiedTime().toInstant().isBefore(oldest)) {
                            Files.deleteIfExists(file);
                            deleted++;
                        }
                    }
                }
            }
        }
        if (deleted > 0) {
            LOG.log(System.Logger.Level.INFO, "log retention: deleted {0} files older than {1}", String.valueOf(deleted),
                    settings.retention());
        }
        return deleted;
    }

    @Override
    public void close() {
        retention.shutdownNow();
        try {
            server.stop(true);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "log receiver did not stop cleanly: {0}", e.toString());
        }
    }
}
