package dev.roost.server.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a bare TCP socket that does only what a test tells it: it never answers a
 * close frame by itself, so tests can play a dead or hostile peer.
 */
public final class RawWebSocket implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    /** A frame as received (the server never masks). */
    public record Frame(int opcode, byte[] payload) {
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
        }

        public String text() {
            return new String(payload, opcode == 8 && payload.length >= 2 ? 2 : 0,
                    opcode == 8 && payload.length >= 2 ? payload.length - 2 : payload.length, StandardCharsets.UTF_8);
        }
    }

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects to /ws and completes the upgrade with subprotocol roost.v1. */
    public static RawWebSocket connect(int port) throws IOException {
        return connect(port, 0);
    }

    /**
     * Connects with a receive buffer of {@code receiveBufferBytes} (0: the system's default), so a
     * test client that stops reading fills the server's side quickly.
     */
    public static RawWebSocket connect(int port, int receiveBufferBytes) throws IOException {
        Socket socket = new Socket();
        if (receiveBufferBytes > 0) {
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port));
        RawWebSocket ws = new RawWebSocket(socket);
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        ws.out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: roost.v1\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        ws.out.flush();
        String head = ws.readHead();
        if (!head.startsWith("HTTP/1.1 101")) {
            ws.close();
            throw new IOException("upgrade refused: " + head);
        }
        return ws;
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed during the upgrade");
            }
            head.write(b);
            byte[] bytes = head.toByteArray();
            int n = bytes.length;
            if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n') {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
    }

    /** Sends one masked text frame, as a client must. */
    public void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x81);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(payload.length >> 8);
            frame.write(payload.length & 0xff);
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /** The next frame, waiting at most {@code timeout}. */
    public Frame readFrame(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new Frame(first & 0x0f, payload);
    }

    /** Reads frames until a close frame, which it does not answer. */
    public Frame readUntilClose(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Frame frame = readFrame(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
            if (frame.opcode() == 8) {
                return frame;
            }
        }
    }

    /**
     * True once the server has closed the TCP connection (a read returns end of stream or fails
     * with a reset), waiting at most {@code timeout}; anything the server still sends is skipped.
     */
    public boolean awaitConnectionEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] buffer = new byte[1024];
        try {
            InputStream raw = socket.getInputStream();
            while (System.nanoTime() < deadline) {
                socket.setSoTimeout(200);
                try {
                    if (raw.read(buffer) < 0) {
                        return true;
                    }
                } catch (SocketTimeoutException stillOpen) {
                    // keep waiting
                }
            }
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
