package dev.roost.server.storage;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Remembers COUNT(*) results per query for a short time. Listing pages of a large table would
 * otherwise count the whole filter on every page (and a dashboard polling the first page on every
 * poll), which costs several times the page query. Writers call {@link #invalidate()} before and
 * after they write; a count that overlapped an invalidation is returned but not kept, because it may
 * have read the rows from before the write and would otherwise be served as current for the whole
 * time to live. Writes of other server processes are not seen: the time to live bounds them.
 */
public final class CountCache {
    private static final int MAX_ENTRIES = 10_000;

    private final Duration ttl;
    private final Clock clock;
    private final ConcurrentMap<String, Entry> entries = new ConcurrentHashMap<>();
    /** Bumped by every {@link #invalidate()}. */
    private final AtomicLong generation = new AtomicLong();

    private record Entry(long count, long expiresAtMillis) {
    }

    public CountCache(Duration ttl, Clock clock) {
        this.ttl = ttl;
        this.clock = clock;
    }

    /**
     * The count of {@code sql} with {@code params}, from the cache while fresh, else from {@code counter}
     * (and then kept, unless an {@link #invalidate()} happened while it counted).
     */
    public long count(String sql, List<Object> params, LongSupplier counter) {
        String key = sql + '\u0000' + params;
        long now = clock.millis();
        Entry cached = entries.get(key);
        if (cached != null && cached.expiresAtMillis() > now) {
            return cached.count();
        }
        long generationBefore = generation.get();
        long count = counter.getAsLong();
        if (entries.size() >= MAX_ENTRIES) {
            entries.values().removeIf(e -> e.expiresAtMillis() <= now);
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear();
            }
        }
        entries.put(key, new Entry(count, now + ttl.toMillis()));
        if (generation.get() != generationBefore) {
            // A write was invalidating while this counted: what it read may predate the write.
            entries.remove(key);
        }
        return count;
    }

    /** Forgets every cached count (after writes whose effect callers expect to see at once). */
    public void invalidate() {
        generation.incrementAndGet();
        entries.clear();
    }
}
