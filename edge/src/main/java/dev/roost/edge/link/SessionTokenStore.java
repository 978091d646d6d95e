package dev.roost.edge.link;

import java.time.Instant;
import java.util.Optional;

/**
 * Keeps a device's session token beyond the memory of one {@link ConnectionManager}, so that a
 * restarted agent or simulator reconnects with the token instead of the secret (no bcrypt on the
 * server). The manager loads it once when it starts, saves every token an {@code auth_ok} brings and
 * clears it when the server refuses it or it expired.
 *
 * <p>Called on the device's event loop: implementations are quick (one small file at most) and do not
 * throw; a store that fails costs one authentication with the secret, nothing more. They never log
 * the token.
 */
public interface SessionTokenStore {
    /** Keeps nothing: the token lives as long as the manager. */
    SessionTokenStore NONE = new SessionTokenStore() {
        @Override
        public Optional<SessionToken> load(Instant now) {
            return Optional.empty();
        }

        @Override
        public void save(SessionToken token) {
        }

        @Override
        public void clear() {
        }
    };

    /** The stored token, unless there is none or it has expired by {@code now}. */
    Optional<SessionToken> load(Instant now);

    /** Replaces the stored token with the one the server just issued. */
    void save(SessionToken token);

    /** Forgets the stored token: the server refused it, it expired, or the server issued none. */
    void clear();
}
