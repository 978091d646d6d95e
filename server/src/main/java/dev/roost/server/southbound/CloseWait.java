package dev.roost.server.southbound;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sessions the server sent a close frame to, until their TCP connection is gone. Helidon keeps
 * reading after its close frame until the peer answers, so a dead or hostile peer would keep its
 * socket until the idle timeout (minutes); the liveness sweep drops it after {@code wait}
 * instead. One map for all sessions, no timer per session.
 */
final class CloseWait {
    private final long waitMillis;
    private final ConcurrentMap<DeviceSession, Long> closedAt = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();

    CloseWait(Duration wait) {
        this.waitMillis = wait.toMillis();
    }

    /** The server is about to send {@code session} its close frame. */
    void closing(DeviceSession session, long nowMillis) {
        closedAt.putIfAbsent(session, nowMillis);
    }

    /** Drops the connections of peers that did not answer in time; forgets those already gone. */
    void sweep(long nowMillis) {
        closedAt.forEach((session, at) -> {
            if (!session.socketOpen()) {
                closedAt.remove(session);
            } else if (nowMillis - at >= waitMillis) {
                closedAt.remove(session);
                if (session.dropConnection()) {
                    dropped.incrementAndGet();
                }
            }
        });
    }

    /** Connections closed by the server because the peer did not answer its close frame. */
    long dropped() {
        return dropped.get();
    }

    /** Sessions whose close handshake is still pending. */
    int pending() {
        return closedAt.size();
    }
}
