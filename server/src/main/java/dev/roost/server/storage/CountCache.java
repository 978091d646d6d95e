package dev.roost.server.storage;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * Remembers COUNT(*) results per query for a short time. Listing pages of a large table would
 * otherwise count the whole filter on every page, which costs several times the page query; a
 * total that is a second or two old is what paginated listings show anyway.
 */
public final class CountCache {
    private static final int MAX_ENTRIES = 10_000;

    private final Duration ttl;
    private final Clock clock;
    private final ConcurrentMap<String, Entry> entries = new ConcurrentHashMap<>();

    private record Entry(long count, long expiresAtMillis) {
    }

    public CountCache(Duration ttl, Clock clock) {
        this.ttl = ttl;
        this.clock = clock;
    }

    /** The count of {@code sql} with {@code params}, from the cache while fresh, else from {@code counter}. */
    public long count(String sql, List<Object> params, LongSupplier counter) {
        String key = sql + '\u0000' + params;
        long now = clock.millis();
        Entry cached = entries.get(key);
        if (cached != null && cached.expiresAtMillis() > now) {
            return cached.count();
        }
        long count = counter.getAsLong();
        if (entries.size() >= MAX_ENTRIES) {
            entries.values().removeIf(e -> e.expiresAtMillis() <= now);
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear();
            }
        }
        entries.put(key, new Entry(count, now + ttl.toMillis()));
        return count;
    }

    /** Forgets every cached count (after writes whose effect callers expect to see at once). */
    public void invalidate() {
        entries.clear();
    }
}
