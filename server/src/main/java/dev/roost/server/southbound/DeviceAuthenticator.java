package dev.roost.server.southbound;

import dev.roost.protocol.Messages;
import dev.roost.server.common.DeviceId;
import dev.roost.server.device.DeviceCredentials;
import dev.roost.server.device.DeviceState;
import dev.roost.server.device.DeviceStore;
import dev.roost.server.device.Hardware;
import dev.roost.server.error.RoostException;
import dev.roost.server.security.AuthFailureLimiter;
import dev.roost.server.security.SecretHasher;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Checks a device's {@code auth} message: a secret (one bcrypt verify) or a session token (one
 * HMAC). Failures are counted per claimed device identity, so that a brute force on one device is
 * stopped without locking out a whole site behind one NAT address. A verified TLS client certificate,
 * when the connection presented one, is a second factor: it must name the device the credentials
 * identify.
 */
public final class DeviceAuthenticator {
    private final DeviceStore devices;
    private final SecretHasher hasher;
    private final SessionTokens tokens;
    private final AuthFailureLimiter limiter;
    private final Clock clock;
    /** Verified when the claimed device does not exist, so that timing does not tell which ids exist. */
    private final String decoyHash;

    public DeviceAuthenticator(DeviceStore devices, SecretHasher hasher, SessionTokens tokens,
                               AuthFailureLimiter limiter, Clock clock) {
        this.devices = devices;
        this.hasher = hasher;
        this.tokens = tokens;
        this.limiter = limiter;
        this.clock = clock;
        this.decoyHash = hasher.hash(hasher.newSecret(24));
    }

    /** The outcome of one authentication. */
    public sealed interface Outcome permits Accepted, Refused {
    }

    /** @param previousState the device's state before this connection */
    public record Accepted(DeviceCredentials device, DeviceState previousState) implements Outcome {
    }

    /** @param device the claimed device when it exists, so that the refusal lands in its log */
    public record Refused(String code, String message, Duration retryAfter, Optional<DeviceCredentials> device)
            implements Outcome {
        Refused(String code, String message, Duration retryAfter) {
            this(code, message, retryAfter, Optional.empty());
        }
    }

    /** @param certificate the connection's verified client certificate, if it presented one */
    Outcome authenticate(Messages.Auth auth, Optional<ClientCertificate> certificate) {
        if (auth.sessionToken() != null && !auth.sessionToken().isEmpty()) {
            return byToken(auth.sessionToken(), certificate);
        }
        String identity = auth.deviceId() != null && !auth.deviceId().isEmpty()
                ? "device:" + auth.deviceId()
                : "hardware:" + auth.hardware().serial() + "/" + auth.hardware().model();
        try {
            limiter.check(identity);
        } catch (RoostException limited) {
            return new Refused(Messages.AuthError.RATE_LIMITED, "too many failed attempts; retry later",
                    Duration.ofMinutes(1));
        }
        Optional<DeviceCredentials> found = lookup(auth);
        boolean matches = hasher.matches(auth.secret(), found.map(DeviceCredentials::secretHash).orElse(decoyHash));
        if (found.isEmpty() || !matches) {
            limiter.recordFailure(identity);
            return new Refused(Messages.AuthError.INVALID_CREDENTIALS, "unknown device or wrong secret",
                    Duration.ZERO, found);
        }
        return admitted(found.get(), certificate);
    }

    /** A reconnect token for the device, valid until {@code expiresAt}. */
    public String issueToken(DeviceCredentials device, Instant expiresAt) {
        return tokens.issue(device.id(), device.credentialVersion(), expiresAt);
    }

    private Outcome byToken(String token, Optional<ClientCertificate> certificate) {
        Optional<SessionTokens.Claims> claims = tokens.verify(token);
        if (claims.isEmpty()) {
            return new Refused(Messages.AuthError.INVALID_CREDENTIALS, "invalid session token", Duration.ZERO);
        }
        if (!claims.get().expiresAt().isAfter(clock.instant())) {
            return new Refused(Messages.AuthError.TOKEN_EXPIRED, "session token expired; authenticate with the secret",
                    Duration.ZERO);
        }
        Optional<DeviceCredentials> device = devices.credentials(claims.get().deviceId());
        if (device.isEmpty() || device.get().credentialVersion() != claims.get().credentialVersion()) {
            return new Refused(Messages.AuthError.TOKEN_EXPIRED,
                    "session token no longer valid; authenticate with the secret", Duration.ZERO, device);
        }
        return admitted(device.get(), certificate);
    }

    private Outcome admitted(DeviceCredentials device, Optional<ClientCertificate> certificate) {
        if (certificate.isPresent() && !certificate.get().names(device.id())) {
            return new Refused(Messages.AuthError.CERTIFICATE_MISMATCH, "the TLS client certificate does not name "
                    + "this device", Duration.ZERO, Optional.of(device));
        }
        return switch (device.state()) {
            case DISABLED -> new Refused(Messages.AuthError.DEVICE_DISABLED, "device is disabled", Duration.ZERO,
                    Optional.of(device));
            case DECOMMISSIONED -> new Refused(Messages.AuthError.DEVICE_DECOMMISSIONED, "device is decommissioned",
                    Duration.ZERO, Optional.of(device));
            default -> new Accepted(device, device.state());
        };
    }

    private Optional<DeviceCredentials> lookup(Messages.Auth auth) {
        if (auth.deviceId() != null && !auth.deviceId().isEmpty()) {
            try {
                return devices.credentials(new DeviceId(Long.parseLong(auth.deviceId())));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return devices.credentials(new Hardware(auth.hardware().serial(), auth.hardware().model()));
    }
}
