package dev.roost.server.transport;

import io.helidon.common.buffers.DataReader;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsCloseException;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The bytes a WebSocket client sent, as Helidon's connection reads them, ending with a
 * {@link WsCloseException} (1002, protocol error) where a frame with a reserved opcode starts
 * (RFC 6455 §5.2: 0x3-0x7 and 0xB-0xF). Helidon 4.5 throws an IllegalArgumentException while
 * decoding such a frame, which escapes the WebSocket connection and makes the HTTP/1 connection
 * write "HTTP/1.1 500" onto the upgraded socket; a WsCloseException is what Helidon turns into a
 * close frame with that code. Frames are passed on unchanged; only their headers are looked at.
 */
final class WsFrameGuard implements Supplier<byte[]> {
    private final DataReader source;
    /** Header bytes of the current frame seen so far, and how many it has (known after 2). */
    private int headerSeen;
    private int headerLength = 2;
    private final byte[] header = new byte[14];
    private long payloadLeft;
    private WsCloseException failure;

    WsFrameGuard(DataReader source) {
        this.source = source;
    }

    @Override
    public byte[] get() {
        if (failure != null) {
            throw failure;
        }
        source.ensureAvailable();
        byte[] in = source.readBytes(source.available());
        int accepted = accept(in);
        if (accepted == 0 && failure != null) {
            throw failure;
        }
        return accepted == in.length ? in : Arrays.copyOf(in, accepted);
    }

    /** How many bytes of {@code in} precede a reserved-opcode frame (all of them if none starts). */
    int accept(byte[] in) {
        int pos = 0;
        while (pos < in.length) {
            if (payloadLeft > 0) {
                int n = (int) Math.min(payloadLeft, in.length - pos);
                payloadLeft -= n;
                pos += n;
                continue;
            }
            if (headerSeen == 0) {
                int opcode = in[pos] & 0x0F;
                if (opcode >= 0x3 && opcode <= 0x7 || opcode >= 0xB) {
                    failure = new WsCloseException("Reserved opcode " + opcode, WsCloseCodes.PROTOCOL_ERROR);
                    return pos;
                }
            }
            header[headerSeen++] = in[pos++];
            if (headerSeen == 2) {
                int length7 = header[1] & 0x7F;
                headerLength = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + ((header[1] & 0x80) != 0 ? 4 : 0);
            }
            if (headerSeen == headerLength) {
                payloadLeft = payloadLength();
                headerSeen = 0;
                headerLength = 2;
            }
        }
        return pos;
    }

    private long payloadLength() {
        int length7 = header[1] & 0x7F;
        if (length7 < 126) {
            return length7;
        }
        long length = 0;
        int bytes = length7 == 126 ? 2 : 8;
        for (int i = 0; i < bytes; i++) {
            length = (length << 8) | (header[2 + i] & 0xFF);
        }
        return length;
    }
}
