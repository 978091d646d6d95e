package dev.roost.server.common;

/**
 * Which of {@code n} stripes (locks, lanes, counters) a 64-bit key such as a device id falls on.
 *
 * <p>Snowflake ids ({@link Snowflake}) cannot be striped by their low bits or by
 * {@link Long#hashCode}: devices registered one per millisecond all have sequence 0, so their low
 * twelve bits are equal, and 1,000 devices of one benchmark fleet fell on 7 of 1,024 lock stripes
 * (550 on one), which serialised sends to different devices (docs/benchmarks.md). The key is
 * mixed first (the 64-bit finaliser of MurmurHash3), so that every bit of it moves the stripe.
 */
public final class Stripes {
    private Stripes() {
    }

    /** The stripe of {@code key}, in {@code [0, n)}. */
    public static int of(long key, int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("stripes must be positive: " + n);
        }
        return (int) Long.remainderUnsigned(mix(key), n);
    }

    static long mix(long key) {
        long k = key;
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
