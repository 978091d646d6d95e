package dev.roost.fault;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

/**
 * A WebSocket client on a raw socket, so that it can send what no client library lets through:
 * reserved opcodes and RSV bits, unmasked or endless fragments, lying lengths, invalid UTF-8.
 */
final class HostileWebSocket implements AutoCloseable {
    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final Random random;

    private HostileWebSocket(Socket socket, Random random) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
        this.random = random;
    }

    /** Connects and upgrades; @throws IOException when the server refuses the upgrade */
    static HostileWebSocket open(java.net.InetAddress source, int port, Random random) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 3_000);
        socket.setSoTimeout(3_000);
        HostileWebSocket ws = new HostileWebSocket(socket, random);
        byte[] key = new byte[16];
        random.nextBytes(key);
        ws.out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: roost.v1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        ws.out.flush();
        String head = ws.readHead();
        if (!head.startsWith("HTTP/1.1 101")) {
            ws.close();
            throw new IOException("upgrade refused: " + head.lines().findFirst().orElse(""));
        }
        return ws;
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4 && head.size() < 16_384) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    void text(String text) throws IOException {
        frame(true, 0, TEXT, true, text.getBytes(StandardCharsets.UTF_8), -1);
    }

    /**
     * Writes one frame as told.
     *
     * @param declared the length to put in the header, or -1 for the payload's own
     */
    void frame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload, long declared) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | (rsv & 0x7) << 4 | opcode & 0xF);
        long length = declared >= 0 ? declared : payload.length;
        int maskBit = masked ? 0x80 : 0;
        if (length < 126) {
            frame.write(maskBit | (int) length);
        } else if (length <= 0xFFFF) {
            frame.write(maskBit | 126);
            frame.write((int) (length >> 8));
            frame.write((int) length);
        } else {
            frame.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) (length >> shift));
            }
        }
        byte[] body = payload.clone();
        if (masked) {
            byte[] mask = new byte[4];
            random.nextBytes(mask);
            frame.write(mask);
            for (int i = 0; i < body.length; i++) {
                body[i] ^= mask[i % 4];
            }
        }
        frame.write(body);
        out.write(frame.toByteArray());
        out.flush();
    }

    /** Reads what the server says for up to {@code millis}; @return bytes read, -1 when it closed */
    int drain(int millis) {
        try {
            socket.setSoTimeout(millis);
            byte[] buffer = new byte[8192];
            int total = 0;
            long deadline = System.currentTimeMillis() + millis;
            while (System.currentTimeMillis() < deadline) {
                int read = in.read(buffer);
                if (read < 0) {
                    return -1;
                }
                total += read;
            }
            return total;
        } catch (java.net.SocketTimeoutException e) {
            return 0;
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }
}
