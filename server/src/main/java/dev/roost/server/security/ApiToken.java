package dev.roost.server.security;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.Instant;
import java.util.Optional;

/**
 * A bearer token's record; the token itself is never stored, only a bcrypt hash of it.
 *
 * @param userId 0 when bound to no user (the initial admin token)
 */
public record ApiToken(@JsonSerialize(using = ToStringSerializer.class) long id, String name, Role role, @JsonSerialize(using = ToStringSerializer.class) long userId, Instant createdAt,
                       Optional<Instant> expiresAt, Optional<Instant> revokedAt) {

    public boolean usableAt(Instant now) {
        return revokedAt.isEmpty() && expiresAt.map(now::isBefore).orElse(true);
    }
}
