package dev.roost.protocol;

import java.util.Optional;

/**
 * WebSocket close codes of protocol v1 (docs/protocol.md §3, "Close codes"), shared by server and
 * agent. {@link #reason()} is the reason text a close with this code carries; codes the protocol
 * qualifies ({@code auth failed: <code>}, {@code protocol error: <detail>}) add a detail with
 * {@link #reason(String)}.
 */
public enum CloseCode {
    NORMAL(1000, "client close"),
    SERVER_SHUTDOWN(1001, "server shutdown"),
    /** A WebSocket-level protocol error, e.g. a reserved opcode (RFC 6455 §5.2). */
    WEBSOCKET_PROTOCOL_ERROR(1002, "protocol error"),
    /** Never sent: the connection ended without a close frame (RFC 6455 §7.1.5). */
    NO_CLOSE_FRAME(1006, "connection lost"),
    FRAME_TOO_LARGE(1009, "frame too large"),
    INTERNAL_ERROR(1011, "internal error"),
    /** Never sent: the TLS handshake failed (RFC 6455 §7.4.1). */
    TLS_FAILED(1015, "TLS handshake failed"),
    AUTH_TIMEOUT(4001, "auth timeout"),
    AUTH_FAILED(4003, "auth failed"),
    REPLACED(4004, "replaced"),
    HEARTBEAT_TIMEOUT(4008, "heartbeat timeout"),
    RATE_LIMIT_EXCEEDED(4029, "rate limit exceeded"),
    PROTOCOL_VIOLATION(4400, "protocol error");

    private final int code;
    private final String reason;

    CloseCode(int code, String reason) {
        this.code = code;
        this.reason = reason;
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    /** The reason text with a detail, e.g. {@code auth failed: DEVICE_DISABLED}. */
    public String reason(String detail) {
        return reason + ": " + detail;
    }

    public static Optional<CloseCode> of(int code) {
        for (CloseCode value : values()) {
            if (value.code == code) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }
}
