package dev.roost.server.common;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Generates 64-bit, time-ordered ids: 41 bits of milliseconds since {@link #EPOCH}, 10 bits of node
 * id and 12 bits of sequence. Ids stay unique and increasing when the wall clock steps back: the
 * generator keeps its own logical time, which never goes below the last issued millisecond.
 */
public final class Snowflake {
    /** 2024-01-01T00:00:00Z; ids run out 69 years later. */
    public static final Instant EPOCH = Instant.parse("2024-01-01T00:00:00Z");
    public static final int MAX_NODE_ID = 1023;

    private static final int SEQUENCE_BITS = 12;
    private static final int NODE_BITS = 10;
    private static final long SEQUENCE_MASK = (1L << SEQUENCE_BITS) - 1;

    private final long nodeId;
    private final Clock clock;
    /** Packed (logical millis since epoch << SEQUENCE_BITS | sequence) of the last issued id. */
    private final AtomicLong last = new AtomicLong();

    public Snowflake(int nodeId, Clock clock) {
        if (nodeId < 0 || nodeId > MAX_NODE_ID) {
            throw new IllegalArgumentException("node id must be 0.." + MAX_NODE_ID + ", was " + nodeId);
        }
        this.nodeId = nodeId;
        this.clock = clock;
    }

    public static Snowflake create(int nodeId) {
        return new Snowflake(nodeId, Clock.systemUTC());
    }

    public long nextId() {
        long now = clock.millis() - EPOCH.toEpochMilli();
        while (true) {
            long previous = last.get();
            long previousMillis = previous >>> SEQUENCE_BITS;
            long next;
            if (now > previousMillis) {
                next = now << SEQUENCE_BITS;
            } else {
                // Same millisecond, or the clock stepped back: continue from the last issued value.
                // A full sequence rolls over into the next logical millisecond.
                next = previous + 1;
            }
            if (last.compareAndSet(previous, next)) {
                long millis = next >>> SEQUENCE_BITS;
                long sequence = next & SEQUENCE_MASK;
                return (millis << (NODE_BITS + SEQUENCE_BITS)) | (nodeId << SEQUENCE_BITS) | sequence;
            }
        }
    }

    /** The creation time encoded in an id made by any node. */
    public static Instant timestampOf(long id) {
        return EPOCH.plusMillis(id >>> (NODE_BITS + SEQUENCE_BITS));
    }

    public static int nodeOf(long id) {
        return (int) ((id >>> SEQUENCE_BITS) & MAX_NODE_ID);
    }
}
