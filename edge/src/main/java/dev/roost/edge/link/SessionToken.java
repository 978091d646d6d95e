package dev.roost.edge.link;

import java.time.Instant;
import java.util.Objects;

/**
 * A session token the server issued in {@code auth_ok}: presented instead of the secret on the next
 * connect, it spares the server a bcrypt verify. A credential: {@link #toString()} never shows it.
 *
 * @param deviceId  the device {@code auth_ok} named (empty when the server named none)
 * @param value     the opaque token
 * @param expiresAt {@code session_token_expires_at}; {@link #NO_EXPIRY} when the server sent none
 */
public record SessionToken(String deviceId, String value, Instant expiresAt) {
    /** For a token without a known expiry: kept until the server refuses it. */
    public static final Instant NO_EXPIRY = Instant.ofEpochMilli(Long.MAX_VALUE);

    public SessionToken {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** Expired by {@code now} on this device's clock (the server has the last word). */
    public boolean isExpiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }

    @Override
    public String toString() {
        return "SessionToken[device " + deviceId + ", expires " + expiresAt + "]";
    }
}
