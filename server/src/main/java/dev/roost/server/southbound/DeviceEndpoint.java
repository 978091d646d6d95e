package dev.roost.server.southbound;

import dev.roost.protocol.CloseCode;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;

import java.util.Arrays;
import java.util.Optional;

/**
 * The WebSocket listener of one device connection at /ws; hands everything to {@link DeviceChannel},
 * or, when the connection offered no subprotocol and its first frame opens another dialect's
 * session ({@link FirstFrameDialect}), to that dialect.
 */
final class DeviceEndpoint implements WsListener {
    static final String SUBPROTOCOL = "roost.v1";
    private static final HeaderName SEC_WEBSOCKET_PROTOCOL = HeaderNames.create("Sec-WebSocket-Protocol");

    private final DeviceChannel channel;
    private final Optional<FirstFrameRoute> otherDialect;
    private DeviceSession session;
    /** Whether the first frame may still choose another dialect: no subprotocol offered, no frame yet. */
    private boolean undecided;
    private FirstFrameDialect.Handler dialect;

    DeviceEndpoint(DeviceChannel channel, Optional<FirstFrameRoute> otherDialect) {
        this.channel = channel;
        this.otherDialect = otherDialect;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        Optional<String> offered = headers.first(SEC_WEBSOCKET_PROTOCOL);
        if (offered.isEmpty()) {
            undecided = otherDialect.isPresent();
            return Optional.empty();
        }
        boolean speaksV1 = Arrays.stream(offered.get().split(",")).map(String::trim).anyMatch(SUBPROTOCOL::equals);
        if (!speaksV1) {
            throw new WsUpgradeException("unsupported subprotocol '" + offered.get() + "'; this server speaks "
                    + SUBPROTOCOL);
        }
        WritableHeaders<?> response = WritableHeaders.create();
        response.set(HeaderValues.create(SEC_WEBSOCKET_PROTOCOL, SUBPROTOCOL));
        return Optional.of(response);
    }

    @Override
    public void onOpen(WsSession ws) {
        session = channel.open(ws);
    }

    @Override
    public void onMessage(WsSession ws, String text, boolean last) {
        if (undecided) {
            undecided = false;
            FirstFrameRoute route = otherDialect.orElseThrow();
            if (last && route.dialect().recognises(text)) {
                dialect = route.dialect().open(new DialectConnection(session, route));
            }
        }
        if (dialect != null) {
            dialect.onText(text, last);
        } else {
            channel.onText(session, text, last);
        }
    }

    @Override
    public void onMessage(WsSession ws, BufferData buffer, boolean last) {
        undecided = false;
        if (dialect != null) {
            byte[] bytes = new byte[buffer.available()];
            buffer.read(bytes);
            dialect.onBinary(bytes);
        } else {
            channel.onBinary(session);
        }
    }

    @Override
    public void onPing(WsSession ws, BufferData buffer) {
        channel.onPing(session);
        ws.pong(buffer);
    }

    @Override
    public void onClose(WsSession ws, int status, String reason) {
        if (session != null) {
            boolean normal = status == CloseCode.NORMAL.code() || status == CloseCode.SERVER_SHUTDOWN.code();
            channel.ended(session, normal ? CloseCode.NORMAL.reason() : CloseCode.NO_CLOSE_FRAME.reason());
        }
        if (dialect != null) {
            dialect.ended();
        }
    }

    @Override
    public void onError(WsSession ws, Throwable t) {
        if (session != null) {
            channel.ended(session, CloseCode.NO_CLOSE_FRAME.reason());
        }
        if (dialect != null) {
            dialect.ended();
        }
    }
}
