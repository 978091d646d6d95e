package dev.roost.server.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Limits failed credential checks of devices without letting anyone lock a device out.
 *
 * <p>Two leaky buckets apply to every attempt: one per (address, device) pair, holding at most
 * {@code perDevice} failures, and one per address across all devices, holding at most
 * {@code perAddress}. Each drains at its capacity per {@code window}, so a steady guesser gets
 * that many attempts per window and a legitimate device's few mistakes are forgotten within one
 * window. There is deliberately no counter per device alone: it would let any stranger keep a
 * device offline, and generated secrets (192 random bits) are out of reach of guessing anyway.
 * IPv6 addresses count per /64, the block one host or site normally holds.
 *
 * <p>An attempt reserves a failure in both buckets before the secret is checked, so that
 * concurrent guesses cannot overshoot the limit; {@link Attempt#succeeded()} gives the reservation
 * back and forgets the pair's failures. The address keeps its other failures: logging in with one
 * known secret must not buy more guesses at others.
 *
 * <p>Memory is bounded: each map holds at most {@code maxTracked} buckets. When one is full, the
 * buckets that have drained are dropped first, then arbitrary ones (counted by
 * {@link #evictions()}); an evicted counter starts again from zero.
 */
public final class LoginFailureLimiter {
    private final int perDevice;
    private final int perAddress;
    private final long windowMillis;
    private final int maxTracked;
    private final Clock clock;
    private final ConcurrentMap<String, Bucket> pairs = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Bucket> addresses = new ConcurrentHashMap<>();
    private final AtomicLong refusals = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();

    /** Failures held, as of {@code atMillis}; they drain at capacity per window. */
    private record Bucket(double level, long atMillis) {
    }

    /** A credential check in progress, holding a reserved failure. */
    public interface Attempt {
        /** The credentials were right: returns the reservation and clears the pair's failures. */
        void succeeded();

        /** The check could not be made (the database failed): returns the reservation only. */
        void undecided();
    }

    /** The outcome of {@link #begin}: an attempt, or a refusal with when to come back. */
    public record Admission(Optional<Attempt> attempt, Duration retryAfter) {
        public boolean refused() {
            return attempt.isEmpty();
        }
    }

    public LoginFailureLimiter(int perDevice, int perAddress, Duration window, int maxTracked, Clock clock) {
        if (perDevice < 1 || perAddress < 1 || window.isNegative() || window.isZero() || maxTracked < 1) {
            throw new IllegalArgumentException("limits and window must be positive");
        }
        this.perDevice = perDevice;
        this.perAddress = perAddress;
        this.windowMillis = window.toMillis();
        this.maxTracked = maxTracked;
        this.clock = clock;
    }

    /**
     * How long {@code address} must wait before it may try {@code device} again; empty when it may
     * try now. Reserves nothing: for refusing early, before a login takes a worker.
     */
    public Optional<Duration> blocked(String address, String device) {
        long now = clock.millis();
        String source = sourceOf(address);
        long wait = Math.max(waitMillis(addresses.get(source), perAddress, now),
                waitMillis(pairs.get(pair(source, device)), perDevice, now));
        if (wait > 0) {
            refusals.incrementAndGet();
            return Optional.of(Duration.ofMillis(wait));
        }
        return Optional.empty();
    }

    /**
     * Starts a credential check: reserves one failure for the address and for the pair, or refuses
     * when either is full. A reservation that is not given back stays a failure.
     */
    public Admission begin(String address, String device) {
        long now = clock.millis();
        String source = sourceOf(address);
        String pair = pair(source, device);
        if (!reserve(addresses, source, perAddress, now)) {
            return refused(Math.max(1, waitMillis(addresses.get(source), perAddress, now)));
        }
        if (!reserve(pairs, pair, perDevice, now)) {
            release(addresses, source, now);
            return refused(Math.max(1, waitMillis(pairs.get(pair), perDevice, now)));
        }
        return new Admission(Optional.of(new Attempt() {
            @Override
            public void succeeded() {
                release(addresses, source, clock.millis());
                pairs.remove(pair);
            }

            @Override
            public void undecided() {
                long at = clock.millis();
                release(addresses, source, at);
                release(pairs, pair, at);
            }
        }), Duration.ZERO);
    }

    /** Attempts refused so far (early checks and reservations). */
    public long refusals() {
        return refusals.get();
    }

    /** Counters dropped while still holding failures, because a map was full. */
    public long evictions() {
        return evictions.get();
    }

    /** Buckets held now (pairs and addresses). */
    public int tracked() {
        return pairs.size() + addresses.size();
    }

    private Admission refused(long waitMillis) {
        refusals.incrementAndGet();
        return new Admission(Optional.empty(), Duration.ofMillis(waitMillis));
    }

    private boolean reserve(ConcurrentMap<String, Bucket> buckets, String key, int capacity, long now) {
        if (!buckets.containsKey(key) && buckets.size() >= maxTracked) {
            makeRoom(buckets, capacity, now);
        }
        boolean[] admitted = new boolean[1];
        buckets.compute(key, (k, bucket) -> {
            double level = drained(bucket, capacity, now);
            if (level + 1 > capacity) {
                return bucket;
            }
            admitted[0] = true;
            return new Bucket(level + 1, now);
        });
        return admitted[0];
    }

    private void release(ConcurrentMap<String, Bucket> buckets, String key, long now) {
        buckets.computeIfPresent(key, (k, bucket) -> {
            double level = drained(bucket, capacity(buckets), now) - 1;
            return level <= 0 ? null : new Bucket(level, now);
        });
    }

    private int capacity(ConcurrentMap<String, Bucket> buckets) {
        return buckets == addresses ? perAddress : perDevice;
    }

    /** Drops drained buckets; when that frees less than a tenth of the map, arbitrary ones too. */
    private void makeRoom(ConcurrentMap<String, Bucket> buckets, int capacity, long now) {
        buckets.values().removeIf(bucket -> drained(bucket, capacity, now) <= 0);
        int target = maxTracked - Math.max(1, maxTracked / 10);
        Iterator<Map.Entry<String, Bucket>> it = buckets.entrySet().iterator();
        while (buckets.size() > target && it.hasNext()) {
            it.next();
            it.remove();
            evictions.incrementAndGet();
        }
    }

    private double drained(Bucket bucket, int capacity, long now) {
        if (bucket == null) {
            return 0;
        }
        double drained = (double) Math.max(0, now - bucket.atMillis()) * capacity / windowMillis;
        return Math.max(0, bucket.level() - drained);
    }

    /** Milliseconds until one more failure fits in the bucket. */
    private long waitMillis(Bucket bucket, int capacity, long now) {
        double excess = drained(bucket, capacity, now) + 1 - capacity;
        return excess <= 0 ? 0 : (long) Math.ceil(excess * windowMillis / capacity);
    }

    private static String pair(String source, String device) {
        return source + '\n' + device;
    }

    /** The address itself, or for IPv6 its /64 prefix. */
    static String sourceOf(String address) {
        if (address.indexOf(':') < 0) {
            return address;
        }
        try {
            // A literal (from the socket), so this never asks DNS.
            byte[] bytes = InetAddress.getByName(address).getAddress();
            return bytes.length == 16 ? HexFormat.of().formatHex(Arrays.copyOf(bytes, 8)) + "::/64" : address;
        } catch (UnknownHostException e) {
            return address;
        }
    }
}
