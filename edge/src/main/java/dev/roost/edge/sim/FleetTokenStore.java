package dev.roost.edge.sim;

import dev.roost.edge.link.SessionToken;
import dev.roost.edge.link.SessionTokenFile;
import dev.roost.edge.link.SessionTokenStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The session tokens of a simulated fleet, in one map: each device's {@code ConnectionManager} reads
 * and writes its entry through {@link #device(String)} (on its event loop, so a connect never touches
 * the disk), and the simulator saves the whole map with {@link #writeTo(Path)} now and then, so that a
 * simulator restarted after {@code kill -9} reconnects its devices with tokens instead of secrets.
 */
public final class FleetTokenStore {
    private final Map<String, SessionToken> tokens = new ConcurrentHashMap<>();

    private FleetTokenStore() {
    }

    public static FleetTokenStore empty() {
        return new FleetTokenStore();
    }

    /**
     * The tokens of a {@link SessionTokenFile} that have not expired by {@code now}; empty when the
     * file does not exist.
     */
    public static FleetTokenStore read(Path file, Instant now) throws IOException {
        FleetTokenStore store = new FleetTokenStore();
        if (Files.exists(file)) {
            for (SessionToken token : SessionTokenFile.read(file)) {
                if (!token.isExpiredAt(now)) {
                    store.tokens.put(token.deviceId(), token);
                }
            }
        }
        return store;
    }

    /** The store of one device. */
    public SessionTokenStore device(String deviceId) {
        return new SessionTokenStore() {
            @Override
            public Optional<SessionToken> load(Instant now) {
                return Optional.ofNullable(tokens.get(deviceId)).filter(token -> !token.isExpiredAt(now));
            }

            @Override
            public void save(SessionToken token) {
                tokens.put(deviceId, new SessionToken(deviceId, token.value(), token.expiresAt()));
            }

            @Override
            public void clear() {
                tokens.remove(deviceId);
            }
        };
    }

    public int size() {
        return tokens.size();
    }

    /** Replaces {@code file} with the tokens held now (atomically, owner-only); returns how many. */
    public int writeTo(Path file) throws IOException {
        return SessionTokenFile.write(file, List.copyOf(tokens.values()));
    }
}
