package dev.roost.server.transport;

import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsSession;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Helidon's WebSocket connection, except that a client frame with a reserved opcode (RFC 6455 §5.2:
 * 0x3-0x7, 0xB-0xF) fails the connection with close code 1002. Helidon 4.5's {@code WsOpCode.get}
 * throws an IllegalArgumentException for such a frame, which escapes the WebSocket connection and
 * makes the HTTP/1 connection write "HTTP/1.1 500" onto the upgraded socket. Here it becomes what
 * Helidon does for a frame it refuses itself: a close frame with the code, then the end of the
 * connection. The listener is not told (as for Helidon's own frame errors).
 *
 * <p>The connection's bytes are not touched: wrapping its reader instead kept a second copy of the
 * last frame and a deeper parked stack for every idle session.
 */
final class ReservedOpcodeConnection implements ServerConnection {
    /** Helidon's message for an opcode it has no constant for ({@code WsOpCode.get}). */
    private static final Pattern UNKNOWN_OPCODE = Pattern.compile("Requested code (\\d+) is invalid.*");

    private final ServerConnection helidon;
    private final WsSession session;

    /** @param helidon Helidon's WebSocket connection, which is also the session it serves */
    ReservedOpcodeConnection(ServerConnection helidon) {
        if (!(helidon instanceof WsSession ws)) {
            throw new IllegalStateException("Helidon's WebSocket connection is no longer its session ("
                    + helidon.getClass().getName() + "): revisit " + ReservedOpcodeConnection.class.getSimpleName());
        }
        this.helidon = helidon;
        this.session = ws;
    }

    @Override
    public void handle(Limit limit) throws InterruptedException {
        try {
            helidon.handle(limit);
        } catch (IllegalArgumentException e) {
            throw closed(e);
        }
    }

    private RuntimeException closed(IllegalArgumentException e) {
        Matcher reserved = UNKNOWN_OPCODE.matcher(String.valueOf(e.getMessage()));
        if (!reserved.matches()) {
            return e;
        }
        session.close(WsCloseCodes.PROTOCOL_ERROR, "Reserved opcode " + reserved.group(1));
        return new CloseConnectionException("WebSocket frame with a reserved opcode", e);
    }

    @Override
    public Duration idleTime() {
        return helidon.idleTime();
    }

    @Override
    public void close(boolean interrupt) {
        helidon.close(interrupt);
    }
}
