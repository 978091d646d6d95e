package dev.roost.server.southbound;

import dev.roost.protocol.CloseCode;
import dev.roost.protocol.Messages;
import dev.roost.protocol.PduCodec;
import dev.roost.protocol.ProtocolErrorCode;
import dev.roost.protocol.ProtocolException;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The first check on every uplink frame, before anything reads its content: frame size (1009),
 * the per-connection rate (dropped with {@code RATE_LIMITED}, then 4029) and the count of protocol
 * errors (4400). Runs on the connection's reader thread, which alone touches the session's bucket;
 * a protocol error found in the session's {@link UplinkLane} is counted from there.
 */
final class TransportGuard {
    private final SouthboundSettings settings;
    private final PduCodec codec;
    private final SessionCloser closer;

    TransportGuard(SouthboundSettings settings, PduCodec codec, SessionCloser closer) {
        this.settings = settings;
        this.codec = codec;
        this.closer = closer;
    }

    /**
     * One fragment of a text message; the whole message once it is complete, within the size
     * limit and the rate. Empty while fragments follow, or when the message was refused here.
     */
    Optional<String> admit(DeviceSession session, String fragment, boolean last) {
        String text;
        try {
            text = session.assemble(fragment, last, settings.maxFrameBytes());
        } catch (DeviceSession.FrameTooLargeException e) {
            closer.close(session, CloseCode.FRAME_TOO_LARGE);
            return Optional.empty();
        }
        if (text == null) {
            return Optional.empty();
        }
        // A UTF-8 byte count is needed only where characters alone could not decide it.
        if (text.length() > settings.maxFrameBytes() || (text.length() * 3L > settings.maxFrameBytes()
                && text.getBytes(StandardCharsets.UTF_8).length > settings.maxFrameBytes())) {
            closer.close(session, CloseCode.FRAME_TOO_LARGE);
            return Optional.empty();
        }
        if (!session.tryAcquire(settings.ratePerSecond(), settings.rateBurst())) {
            if (session.rateViolations() >= SouthboundSettings.MAX_RATE_VIOLATIONS) {
                closer.close(session, CloseCode.RATE_LIMIT_EXCEEDED);
            } else {
                // Only the id is read, so that the device knows which message it must send again.
                session.reply(codec.peekId(text).orElse(null), new Messages.Error(ProtocolErrorCode.RATE_LIMITED.name(),
                        "message dropped: above " + settings.ratePerSecond() + " messages/s"));
            }
            return Optional.empty();
        }
        return Optional.of(text);
    }

    /** A binary frame: the protocol speaks text only. */
    void binary(DeviceSession session) {
        protocolError(session, new ProtocolException(ProtocolErrorCode.BAD_FRAME, "binary frames are not supported"));
    }

    /**
     * Answers a message that broke the protocol, before or after auth alike; the tenth on one
     * connection closes it.
     */
    void protocolError(DeviceSession session, ProtocolException e) {
        int errors = session.protocolError();
        session.reply(e.messageId().orElse(null), new Messages.Error(e.code().name(), e.getMessage()));
        if (errors >= SouthboundSettings.MAX_PROTOCOL_ERRORS) {
            closer.close(session, CloseCode.PROTOCOL_VIOLATION, CloseCode.PROTOCOL_VIOLATION.reason(
                    "too many invalid messages"));
        }
    }
}
