package dev.roost.server.security;

import dev.roost.server.error.RoostException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns a presented bearer token into a {@link Caller}. A token's first use costs one bcrypt
 * verify; the result is then cached (keyed by the token's SHA-256, in memory only) for
 * {@code cacheTtl}, so steady traffic costs a hash and a map lookup. Revocation and user changes
 * made through this process invalidate the cache at once; other server processes notice within
 * {@code cacheTtl}.
 */
public final class Authenticator {
    private static final MessageDigest SHA_256 = newSha256();
    private static final HexFormat HEX = HexFormat.of();
    private static final int MAX_CACHED = 100_000;

    private final AccessStore store;
    private final SecretHasher hasher;
    private final AuthFailureLimiter limiter;
    private final Duration cacheTtl;
    private final Clock clock;
    private final ConcurrentMap<String, Cached> cache = new ConcurrentHashMap<>();
    private final AtomicLong forgets = new AtomicLong();

    private record Cached(Caller caller, Instant validUntil) {
    }

    public Authenticator(AccessStore store, SecretHasher hasher, AuthFailureLimiter limiter, Duration cacheTtl,
                         Clock clock) {
        this.store = store;
        this.hasher = hasher;
        this.limiter = limiter;
        this.cacheTtl = cacheTtl;
        this.clock = clock;
    }

    /**
     * @param bearer the token, without the "Bearer " prefix; empty when none was sent
     * @param source the caller's address, for rate limiting failures
     * @throws RoostException UNAUTHENTICATED for a missing, unknown, expired or revoked token;
     *                        RATE_LIMITED when {@code source} failed too often
     */
    public Caller authenticate(Optional<String> bearer, String source) {
        limiter.check(source);
        if (bearer.isEmpty() || bearer.get().isBlank()) {
            limiter.recordFailure(source);
            throw RoostException.unauthenticated("missing bearer token (Authorization: Bearer <token>)");
        }
        String digest = sha256Hex(bearer.get());
        Instant now = clock.instant();
        Cached cached = cache.get(digest);
        if (cached != null && now.isBefore(cached.validUntil())) {
            return cached.caller();
        }
        long generation = forgets.get();
        Optional<Cached> verified = verify(bearer.get(), digest, now);
        if (verified.isEmpty()) {
            cache.remove(digest);
            limiter.recordFailure(source);
            throw RoostException.unauthenticated("invalid, expired or revoked token");
        }
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        // A revocation during the verify must not be undone by caching what the verify read.
        if (forgets.get() == generation) {
            cache.put(digest, verified.get());
        }
        return verified.get().caller();
    }

    /** Forgets cached verifications of one token. */
    public void forgetToken(long tokenId) {
        forgets.incrementAndGet();
        cache.values().removeIf(c -> c.caller().tokenId() == tokenId);
    }

    /** Forgets cached verifications of every token of one user. */
    public void forgetUser(long userId) {
        forgets.incrementAndGet();
        cache.values().removeIf(c -> c.caller().userId() == userId);
    }

    /** The key under which a token's row is found: 16 hex digits of its SHA-256. */
    public static String lookupKey(String bearer) {
        return sha256Hex(bearer).substring(0, 16);
    }

    private Optional<Cached> verify(String bearer, String digest, Instant now) {
        for (AccessStore.TokenCredential candidate : store.tokensByLookupKey(digest.substring(0, 16))) {
            ApiToken token = candidate.token();
            if (!token.usableAt(now) || !hasher.matches(bearer, candidate.secretHash())) {
                continue;
            }
            String name = "token:" + token.id();
            if (token.userId() != 0) {
                Optional<User> user = store.findUser(token.userId()).map(AccessStore.UserCredential::user);
                if (user.isEmpty() || user.get().disabled()) {
                    return Optional.empty();
                }
                name = "user:" + user.get().username();
            }
            Instant validUntil = now.plus(cacheTtl);
            if (token.expiresAt().isPresent() && token.expiresAt().get().isBefore(validUntil)) {
                validUntil = token.expiresAt().get();
            }
            return Optional.of(new Cached(new Caller(name, token.role(), token.id(), token.userId()), validUntil));
        }
        return Optional.empty();
    }

    /** Every call hashes its token: a copy of a ready digest costs less than a provider lookup. */
    private static String sha256Hex(String value) {
        MessageDigest digest;
        try {
            digest = (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            digest = newSha256();
        }
        return HEX.formatHex(digest.digest(value.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
