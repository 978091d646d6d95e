package dev.roost.server.southbound;

import dev.roost.protocol.Messages;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.DeviceState;
import dev.roost.server.device.DeviceCredentials;
import dev.roost.server.device.DeviceStore;
import dev.roost.server.device.Hardware;
import dev.roost.server.security.LoginFailureLimiter;
import dev.roost.server.security.SecretHasher;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Checks a device's {@code auth} message: a secret (one bcrypt verify) or a session token (one
 * HMAC). Secret checks go through a {@link LoginFailureLimiter}: failures count per (address,
 * claimed device) and per address, so that guessing is refused before any bcrypt while a stranger
 * cannot lock a device out for its holder at another address. Session tokens are not limited: an
 * HMAC cannot be guessed, and a site whose address is throttled keeps its devices reconnecting.
 * A verified TLS client certificate, when the connection presented one, is a second factor: it
 * must name the device the credentials identify.
 */
public final class DeviceAuthenticator {
    private final DeviceStore devices;
    private final SecretHasher hasher;
    private final SessionTokens tokens;
    private final LoginFailureLimiter limiter;
    private final Clock clock;
    /** Verified when the claimed device does not exist, so that timing does not tell which ids exist. */
    private final String decoyHash;

    public DeviceAuthenticator(DeviceStore devices, SecretHasher hasher, SessionTokens tokens,
                               LoginFailureLimiter limiter, Clock clock) {
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

    /**
     * A refusal when {@code source} is throttled for the claimed device, checked without touching
     * the database or bcrypt (so that a login can be refused before it queues for a worker).
     */
    public Optional<Refused> throttled(Messages.Auth auth, String source) {
        if (usesToken(auth)) {
            return Optional.empty();
        }
        return limiter.blocked(source, identity(auth)).map(DeviceAuthenticator::rateLimited);
    }

    /**
     * @param source      the connection's address, for the failed-login limits
     * @param certificate the connection's verified client certificate, if it presented one
     */
    public Outcome authenticate(Messages.Auth auth, String source, Optional<ClientCertificate> certificate) {
        if (usesToken(auth)) {
            return byToken(auth.sessionToken(), certificate);
        }
        LoginFailureLimiter.Admission admission = limiter.begin(source, identity(auth));
        if (admission.refused()) {
            return rateLimited(admission.retryAfter());
        }
        LoginFailureLimiter.Attempt attempt = admission.attempt().orElseThrow();
        Optional<DeviceCredentials> found;
        try {
            found = lookup(auth);
        } catch (RuntimeException e) {
            attempt.undecided();
            throw e;
        }
        boolean matches = hasher.matches(auth.secret(), found.map(DeviceCredentials::secretHash).orElse(decoyHash));
        if (found.isEmpty() || !matches) {
            return new Refused(Messages.AuthError.INVALID_CREDENTIALS, "unknown device or wrong secret",
                    Duration.ZERO, found);
        }
        attempt.succeeded();
        return admitted(found.get(), certificate);
    }

    private static boolean usesToken(Messages.Auth auth) {
        return auth.sessionToken() != null && !auth.sessionToken().isEmpty();
    }

    private static String identity(Messages.Auth auth) {
        return auth.deviceId() != null && !auth.deviceId().isEmpty()
                ? "device:" + auth.deviceId()
                : "hardware:" + auth.hardware().serial() + "/" + auth.hardware().model();
    }

    private static Refused rateLimited(Duration retryAfter) {
        // Whole seconds, at least one: a device retrying sooner would only be refused again.
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        return new Refused(Messages.AuthError.RATE_LIMITED, "too many failed logins; retry later",
                Duration.ofSeconds(seconds));
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
