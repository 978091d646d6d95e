package dev.roost.server.transport;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.http2.Http2HuffmanDecoder;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Rewrites an HPACK header block so that pseudo-header fields sent as a literal with a new
 * (string) name refer to their name by static-table index instead (RFC 7541 §6.2, appendix A).
 * Helidon 4.5's decoder refuses the first form although it is valid, and gRPC C-core (Python's
 * grpcio) sends {@code :path} and {@code :authority} that way. Both forms mean the same header and
 * add the same entry to the dynamic table, so the rewrite changes nothing else in the connection.
 */
final class HpackPseudoHeaderNames {
    /** Static-table index of each pseudo-header name (the first entry with that name). */
    private static final Map<String, Integer> STATIC_INDEX = Map.of(
            ":authority", 1, ":method", 2, ":path", 4, ":scheme", 6, ":status", 8);
    /** Longest pseudo-header name, in bytes; a longer literal name cannot be one. */
    private static final int MAX_NAME_BYTES = ":authority".length() * 4;

    private HpackPseudoHeaderNames() {
    }

    /**
     * The block with every literal pseudo-header name replaced by its static index, or empty when
     * there is none, or the block is malformed (the decoder then reports it as it would anyway).
     */
    static Optional<byte[]> indexed(byte[] block, int offset, int length) {
        int end = offset + length;
        ByteArrayOutputStream out = null;
        int copiedUpTo = offset;
        int pos = offset;
        try {
            while (pos < end) {
                int first = block[pos] & 0xFF;
                if ((first & 0x80) != 0) {                 // indexed field
                    pos = skipInteger(block, pos, end, 7);
                    continue;
                }
                if ((first & 0xE0) == 0x20) {              // dynamic table size update
                    pos = skipInteger(block, pos, end, 5);
                    continue;
                }
                boolean incremental = (first & 0xC0) == 0x40;
                int prefixBits = incremental ? 6 : 4;
                int kind = incremental ? 0x40 : first & 0x10; // with indexing, without, never indexed
                int start = pos;
                boolean newName = (first & ((1 << prefixBits) - 1)) == 0;
                pos = skipInteger(block, pos, end, prefixBits);
                if (newName) {
                    int nameStart = pos;
                    pos = skipString(block, pos, end);
                    Integer index = STATIC_INDEX.get(name(block, nameStart, pos));
                    if (index != null) {
                        if (out == null) {
                            out = new ByteArrayOutputStream(length);
                        }
                        out.write(block, copiedUpTo, start - copiedUpTo);
                        out.write(kind | index);
                        copiedUpTo = pos;                  // the value string follows unchanged
                    }
                }
                pos = skipString(block, pos, end);
            }
        } catch (MalformedBlock e) {
            return Optional.empty();
        }
        if (out == null) {
            return Optional.empty();
        }
        out.write(block, copiedUpTo, end - copiedUpTo);
        return Optional.of(out.toByteArray());
    }

    /** The literal name starting at {@code start}, decoded if it is short enough to be a pseudo-header. */
    private static String name(byte[] block, int start, int stringEnd) {
        int lengthEnd = skipInteger(block, start, stringEnd, 7);
        int length = stringEnd - lengthEnd;
        if (length == 0 || length > MAX_NAME_BYTES) {
            return "";
        }
        if ((block[start] & 0x80) == 0) {
            return new String(block, lengthEnd, length, StandardCharsets.ISO_8859_1);
        }
        try {
            return Http2HuffmanDecoder.create().decodeString(BufferData.create(block, lengthEnd, length), length);
        } catch (RuntimeException invalidHuffman) {
            return "";
        }
    }

    private static int skipString(byte[] block, int pos, int end) {
        int huffmanAndLength = pos;
        long[] length = new long[1];
        int next = readInteger(block, huffmanAndLength, end, 7, length);
        if (length[0] > end - next) {
            throw new MalformedBlock();
        }
        return next + (int) length[0];
    }

    private static int skipInteger(byte[] block, int pos, int end, int prefixBits) {
        return readInteger(block, pos, end, prefixBits, new long[1]);
    }

    /** Reads an HPACK integer (RFC 7541 §5.1) into {@code value[0]}; returns the position after it. */
    private static int readInteger(byte[] block, int pos, int end, int prefixBits, long[] value) {
        if (pos >= end) {
            throw new MalformedBlock();
        }
        int max = (1 << prefixBits) - 1;
        long result = block[pos] & max;
        pos++;
        if (result == max) {
            int shift = 0;
            int b;
            do {
                if (pos >= end || shift > 28) {
                    throw new MalformedBlock();
                }
                b = block[pos++] & 0xFF;
                result += (long) (b & 0x7F) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
        }
        value[0] = result;
        return pos;
    }

    private static final class MalformedBlock extends RuntimeException {
        MalformedBlock() {
            super(null, null, false, false);
        }
    }
}
