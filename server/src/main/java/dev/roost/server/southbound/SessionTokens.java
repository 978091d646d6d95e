package dev.roost.server.southbound;

import dev.roost.server.common.DeviceId;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Short-lived, HMAC-SHA256-signed reconnect tokens: {@code base64url(payload).base64url(mac)} with
 * payload {@code v1.<device id>.<credential version>.<expiry ms>}. Verifying one costs a MAC, not a
 * bcrypt, so a reconnect storm stays cheap.
 */
public final class SessionTokens {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final SecretKeySpec key;

    public SessionTokens(byte[] key) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
    }

    /** What a valid token says. */
    public record Claims(DeviceId deviceId, int credentialVersion, Instant expiresAt) {
    }

    public String issue(DeviceId device, int credentialVersion, Instant expiresAt) {
        String payload = "v1." + device.value() + "." + credentialVersion + "." + expiresAt.toEpochMilli();
        byte[] payloadBytes = payload.getBytes(StandardCharsets.UTF_8);
        return ENCODER.encodeToString(payloadBytes) + "." + ENCODER.encodeToString(mac(payloadBytes));
    }

    /** The claims of a token with a valid signature (expiry is the caller's check); empty otherwise. */
    public Optional<Claims> verify(String token) {
        int dot = token.indexOf('.');
        if (dot <= 0 || dot == token.length() - 1 || token.length() > 512) {
            return Optional.empty();
        }
        try {
            byte[] payload = DECODER.decode(token.substring(0, dot));
            byte[] signature = DECODER.decode(token.substring(dot + 1));
            if (!MessageDigest.isEqual(mac(payload), signature)) {
                return Optional.empty();
            }
            String[] parts = new String(payload, StandardCharsets.UTF_8).split("\\.");
            if (parts.length != 4 || !parts[0].equals("v1")) {
                return Optional.empty();
            }
            return Optional.of(new Claims(new DeviceId(Long.parseLong(parts[1])), Integer.parseInt(parts[2]),
                    Instant.ofEpochMilli(Long.parseLong(parts[3]))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private byte[] mac(byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
