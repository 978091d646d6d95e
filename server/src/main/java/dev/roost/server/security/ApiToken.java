package dev.roost.server.security;

import java.time.Instant;
import java.util.Optional;

/**
 * A bearer token's record; the token itself is never stored, only a bcrypt hash of it.
 *
 * @param userId 0 when bound to no user (the initial admin token)
 */
public record ApiToken(long id, String name, Role role, long userId, Instant createdAt,
                       Optional<Instant> expiresAt, Optional<Instant> revokedAt) {

    public boolean usableAt(Instant now) {
        return revokedAt.isEmpty() && expiresAt.map(now::isBefore).orElse(true);
    }
}
