package dev.roost.server.security;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * bcrypt hashing (BouncyCastle) of device secrets, user passwords and API tokens, and generation of
 * random secrets. A verify is slow on purpose (that is bcrypt's cost), so callers keep it off hot paths.
 */
public final class SecretHasher {
    public static final int MIN_COST = 4;
    public static final int MAX_COST = 31;

    private final int cost;
    private final SecureRandom random = new SecureRandom();

    public SecretHasher(int cost) {
        if (cost < MIN_COST || cost > MAX_COST) {
            throw new IllegalArgumentException("bcrypt cost must be " + MIN_COST + ".." + MAX_COST + ", was " + cost);
        }
        this.cost = cost;
    }

    public String hash(String secret) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        return OpenBSDBCrypt.generate(secret.toCharArray(), salt, cost);
    }

    /** True when {@code secret} matches {@code hash}; false for a malformed hash too. */
    public boolean matches(String secret, String hash) {
        try {
            return OpenBSDBCrypt.checkPassword(hash, secret.toCharArray());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A random secret of {@code bytes} bytes, URL-safe Base64 without padding. */
    public String newSecret(int bytes) {
        byte[] raw = new byte[bytes];
        random.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }
}
