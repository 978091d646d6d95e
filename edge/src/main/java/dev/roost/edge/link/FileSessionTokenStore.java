package dev.roost.edge.link;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The agent's session token in one file of its state directory, in the {@link SessionTokenFile}
 * format (one line). A token issued to another device than the configured one is ignored and
 * deleted, so a state directory reused for another device never authenticates as the old one. Read
 * and write failures are logged (never the token) and cost one authentication with the secret.
 */
public final class FileSessionTokenStore implements SessionTokenStore {
    private static final System.Logger LOG = System.getLogger(FileSessionTokenStore.class.getName());

    private final Path file;
    private final Optional<String> deviceId;

    /**
     * @param file     e.g. {@code <state-dir>/session.token}
     * @param deviceId the configured device id; empty for an agent that authenticates by hardware
     *                 identity (then any stored token is used)
     */
    public FileSessionTokenStore(Path file, Optional<String> deviceId) {
        this.file = file;
        this.deviceId = deviceId;
    }

    @Override
    public Optional<SessionToken> load(Instant now) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        List<SessionToken> stored;
        try {
            stored = SessionTokenFile.read(file);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING,
                    "session token file {0} unreadable, authenticating with the secret: {1}", file, e.getMessage());
            return Optional.empty();
        }
        Optional<SessionToken> token = stored.stream().findFirst();
        if (token.isPresent() && deviceId.isPresent() && !deviceId.get().equals(token.get().deviceId())) {
            LOG.log(System.Logger.Level.WARNING, "session token file {0} is for device {1}, not {2}: ignored",
                    file, token.get().deviceId(), deviceId.get());
            clear();
            return Optional.empty();
        }
        if (token.isPresent() && token.get().isExpiredAt(now)) {
            LOG.log(System.Logger.Level.DEBUG, "stored session token expired at {0}", token.get().expiresAt());
            clear();
            return Optional.empty();
        }
        return token;
    }

    @Override
    public void save(SessionToken token) {
        try {
            if (SessionTokenFile.write(file, List.of(token)) == 0) {
                LOG.log(System.Logger.Level.WARNING, "session token not stored: not representable in {0}", file);
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot store the session token in {0}: {1}", file, e.getMessage());
        }
    }

    @Override
    public void clear() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete the session token file {0}: {1}", file, e.getMessage());
        }
    }
}
