package dev.roost.server.transport;

import io.helidon.common.buffers.DataReader;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The bytes a client sent on an HTTP/2 connection, as Helidon's connection reads them, with each
 * header block that fits in one HEADERS frame passed through {@link HpackPseudoHeaderNames}. The
 * connection preface and every other frame pass unchanged and unbuffered. A header block split over
 * CONTINUATION frames passes unchanged (clients split only blocks over 16 KiB, far above a gRPC
 * call's headers).
 */
final class Http2HeaderBlockFilter implements Supplier<byte[]> {
    private static final int PREFACE_LENGTH = 24;
    private static final int FRAME_HEADER_LENGTH = 9;
    private static final int TYPE_HEADERS = 0x1;
    private static final int FLAG_END_HEADERS = 0x4;
    private static final int FLAG_PADDED = 0x8;
    private static final int FLAG_PRIORITY = 0x20;
    /** The smallest maximum frame size a server may announce; larger HEADERS frames pass unchanged. */
    private static final int MAX_REWRITTEN_FRAME = 16_384;

    private final DataReader source;
    private int prefaceLeft = PREFACE_LENGTH;
    private int passThroughLeft;
    /** The frame being collected: its header, then (for a HEADERS frame to rewrite) its payload. */
    private byte[] held = new byte[FRAME_HEADER_LENGTH];
    private int heldLength;
    private int heldTarget = FRAME_HEADER_LENGTH;

    Http2HeaderBlockFilter(DataReader source) {
        this.source = source;
    }

    @Override
    public byte[] get() {
        while (true) {
            source.ensureAvailable();
            byte[] out = filter(source.readBytes(source.available()));
            if (out.length > 0) {
                return out;
            }
        }
    }

    /** What of {@code in} can be handed on now; a frame still being collected is kept for later. */
    byte[] filter(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 16);
        int pos = 0;
        while (pos < in.length) {
            if (prefaceLeft > 0 || passThroughLeft > 0) {
                int n = Math.min(in.length - pos, prefaceLeft > 0 ? prefaceLeft : passThroughLeft);
                out.write(in, pos, n);
                pos += n;
                if (prefaceLeft > 0) {
                    prefaceLeft -= n;
                } else {
                    passThroughLeft -= n;
                }
                continue;
            }
            int n = Math.min(in.length - pos, heldTarget - heldLength);
            System.arraycopy(in, pos, held, heldLength, n);
            heldLength += n;
            pos += n;
            if (heldLength < heldTarget) {
                break;
            }
            int payloadLength = ((held[0] & 0xFF) << 16) | ((held[1] & 0xFF) << 8) | (held[2] & 0xFF);
            if (heldTarget == FRAME_HEADER_LENGTH && payloadLength > 0 && rewritable(payloadLength)) {
                heldTarget = FRAME_HEADER_LENGTH + payloadLength;
                held = Arrays.copyOf(held, heldTarget);
                continue;
            }
            if (heldTarget == FRAME_HEADER_LENGTH) {
                out.writeBytes(Arrays.copyOf(held, FRAME_HEADER_LENGTH));
                passThroughLeft = payloadLength;
            } else {
                out.writeBytes(rewrittenHeaders(payloadLength));
            }
            held = new byte[FRAME_HEADER_LENGTH];
            heldLength = 0;
            heldTarget = FRAME_HEADER_LENGTH;
        }
        return out.toByteArray();
    }

    private boolean rewritable(int payloadLength) {
        return (held[3] & 0xFF) == TYPE_HEADERS && (held[4] & FLAG_END_HEADERS) != 0
                && payloadLength <= MAX_REWRITTEN_FRAME;
    }

    /** The held HEADERS frame, its block rewritten and its padding dropped if a name was replaced. */
    private byte[] rewrittenHeaders(int payloadLength) {
        int flags = held[4] & 0xFF;
        int offset = FRAME_HEADER_LENGTH;
        int padding = 0;
        if ((flags & FLAG_PADDED) != 0) {
            padding = held[offset] & 0xFF;
            offset++;
        }
        int priorityStart = offset;
        if ((flags & FLAG_PRIORITY) != 0) {
            offset += 5;
        }
        int blockLength = FRAME_HEADER_LENGTH + payloadLength - offset - padding;
        if (blockLength < 0) {
            return held;                                   // malformed: Helidon reports it
        }
        Optional<byte[]> block = HpackPseudoHeaderNames.indexed(held, offset, blockLength);
        if (block.isEmpty()) {
            return held;
        }
        int priorityLength = offset - priorityStart;
        int newLength = priorityLength + block.get().length;
        byte[] frame = new byte[FRAME_HEADER_LENGTH + newLength];
        frame[0] = (byte) (newLength >>> 16);
        frame[1] = (byte) (newLength >>> 8);
        frame[2] = (byte) newLength;
        frame[3] = held[3];
        frame[4] = (byte) (flags & ~FLAG_PADDED);
        System.arraycopy(held, 5, frame, 5, 4);            // stream id
        System.arraycopy(held, priorityStart, frame, FRAME_HEADER_LENGTH, priorityLength);
        System.arraycopy(block.get(), 0, frame, FRAME_HEADER_LENGTH + priorityLength, block.get().length);
        return frame;
    }
}
