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

/** The WebSocket listener of one device connection at /ws; hands everything to {@link DeviceChannel}. */
final class DeviceEndpoint implements WsListener {
    static final String SUBPROTOCOL = "roost.v1";
    private static final HeaderName SEC_WEBSOCKET_PROTOCOL = HeaderNames.create("Sec-WebSocket-Protocol");

    private final DeviceChannel channel;
    private DeviceSession session;

    DeviceEndpoint(DeviceChannel channel) {
        this.channel = channel;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        Optional<String> offered = headers.first(SEC_WEBSOCKET_PROTOCOL);
        if (offered.isEmpty()) {
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
        channel.onText(session, text, last);
    }

    @Override
    public void onMessage(WsSession ws, BufferData buffer, boolean last) {
        channel.onBinary(session);
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
    }

    @Override
    public void onError(WsSession ws, Throwable t) {
        if (session != null) {
            channel.ended(session, CloseCode.NO_CLOSE_FRAME.reason());
        }
    }
}
