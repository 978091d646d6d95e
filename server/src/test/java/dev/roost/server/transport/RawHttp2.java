package dev.roost.server.transport;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** HTTP/2 frames and HPACK fields written by hand, to send exactly the bytes a given client sends. */
final class RawHttp2 {
    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    static final int HEADERS = 0x1;
    static final int SETTINGS = 0x4;
    static final int GOAWAY = 0x7;
    static final int RST_STREAM = 0x3;
    static final int DATA = 0x0;
    static final int END_STREAM = 0x1;
    static final int END_HEADERS = 0x4;
    static final int ACK = 0x1;

    private RawHttp2() {
    }

    static byte[] frame(int type, int flags, int stream, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(payload.length >>> 16);
        out.write(payload.length >>> 8);
        out.write(payload.length);
        out.write(type);
        out.write(flags);
        out.write(stream >>> 24);
        out.write(stream >>> 16);
        out.write(stream >>> 8);
        out.write(stream);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /** Literal with incremental indexing, new name (0x40), both strings raw: what gRPC C-core sends. */
    static byte[] newNameIndexed(String name, String value) {
        return literal(0x40, name, value);
    }

    /** Literal without indexing, new name (0x00). */
    static byte[] newNameNotIndexed(String name, String value) {
        return literal(0x00, name, value);
    }

    private static byte[] literal(int first, String name, String value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(first);
        writeString(out, name);
        writeString(out, value);
        return out.toByteArray();
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length >= 127) {
            throw new IllegalArgumentException("short strings only");
        }
        out.write(bytes.length);
        out.writeBytes(bytes);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** A frame as read: type, flags, stream and payload. */
    record Frame(int type, int flags, int stream, byte[] payload) {
        static Frame read(InputStream in) throws IOException {
            DataInputStream data = new DataInputStream(in);
            int length = (data.readUnsignedByte() << 16) | (data.readUnsignedByte() << 8) | data.readUnsignedByte();
            int type = data.readUnsignedByte();
            int flags = data.readUnsignedByte();
            int stream = data.readInt() & 0x7FFFFFFF;
            byte[] payload = data.readNBytes(length);
            return new Frame(type, flags, stream, payload);
        }

        @Override
        public String toString() {
            return "type " + type + " flags " + flags + " stream " + stream + " " + java.util.HexFormat.of()
                    .formatHex(payload);
        }
    }
}
