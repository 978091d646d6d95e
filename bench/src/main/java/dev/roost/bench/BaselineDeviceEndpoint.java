package dev.roost.bench;

import dev.roost.protocol.Body;
import dev.roost.protocol.Messages;
import dev.roost.protocol.Pdu;
import dev.roost.protocol.PduCodec;
import dev.roost.protocol.ProtocolException;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The least a WebSocket endpoint answers for the fleet simulator to hold a device session: any
 * {@code auth} gets {@code auth_ok} (no credential check, no session token), a {@code ping} its
 * {@code pong}, a {@code status} its {@code status_ack}; everything else is ignored. One instance
 * serves every connection and keeps nothing per connection, so a held session costs only what
 * Helidon's WebSocket connection costs.
 */
final class BaselineDeviceEndpoint implements WsListener {
    static final String SUBPROTOCOL = "roost.v1";
    private static final HeaderName SEC_WEBSOCKET_PROTOCOL = HeaderNames.create("Sec-WebSocket-Protocol");

    private final PduCodec codec = new PduCodec();
    private final Duration heartbeatInterval;
    private final Clock clock;
    /** Message ids and status versions, unique across connections. */
    private final AtomicLong sequence = new AtomicLong();

    BaselineDeviceEndpoint(Duration heartbeatInterval, Clock clock) {
        this.heartbeatInterval = heartbeatInterval;
        this.clock = clock;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
        boolean speaksV1 = headers.first(SEC_WEBSOCKET_PROTOCOL)
                .map(offered -> Arrays.stream(offered.split(",")).map(String::trim).anyMatch(SUBPROTOCOL::equals))
                .orElse(false);
        if (!speaksV1) {
            return Optional.empty();
        }
        WritableHeaders<?> response = WritableHeaders.create();
        response.set(HeaderValues.create(SEC_WEBSOCKET_PROTOCOL, SUBPROTOCOL));
        return Optional.of(response);
    }

    @Override
    public void onMessage(WsSession ws, String text, boolean last) {
        answer(text).ifPresent(reply -> ws.send(reply, true));
    }

    /** The reply to one uplink frame, if it gets one. */
    Optional<String> answer(String text) {
        Pdu pdu;
        try {
            pdu = codec.decode(text);
        } catch (ProtocolException e) {
            return Optional.empty();
        }
        return switch (pdu.body()) {
            case Messages.Auth auth -> reply(pdu, new Messages.AuthOk(Objects.requireNonNullElse(auth.deviceId(), "0"),
                    clock.millis(), heartbeatInterval.toMillis(), null, 0, 0, 0, 0));
            case Messages.Ping ping -> reply(pdu, new Messages.Pong());
            case Messages.Status status -> reply(pdu, new Messages.StatusAck(sequence.incrementAndGet()));
            default -> Optional.empty();
        };
    }

    private Optional<String> reply(Pdu to, Body body) {
        return Optional.of(codec.encode(Pdu.reply("s-" + sequence.incrementAndGet(), to.id(), body)));
    }
}
