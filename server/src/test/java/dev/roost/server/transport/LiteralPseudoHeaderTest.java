package dev.roost.server.transport;

import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;


import static dev.roost.server.transport.RawHttp2.Frame;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request gRPC C-core (Python's grpcio) sends, byte for byte as far as the headers go: Helidon
 * 4.5 alone answers it with GOAWAY PROTOCOL_ERROR; Roost must answer the call.
 */
class LiteralPseudoHeaderTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void healthCheck_withPathAndAuthorityAsNewNameLiterals_isAnswered() throws IOException {
        byte[] block = RawHttp2.concat(
                RawHttp2.newNameIndexed(":path", "/grpc.health.v1.Health/Check"),
                RawHttp2.newNameIndexed(":authority", "127.0.0.1:" + server.port()),
                new byte[] {(byte) 0x83, (byte) 0x86},     // :method POST, :scheme http (static table)
                RawHttp2.newNameNotIndexed("content-type", "application/grpc"),
                RawHttp2.newNameNotIndexed("te", "trailers"));

        List<Frame> frames = exchange(block);

        assertThat(frames).as("frames of stream 1 and any GOAWAY")
                .noneMatch(f -> f.type() == RawHttp2.GOAWAY || f.type() == RawHttp2.RST_STREAM)
                .anyMatch(f -> f.stream() == 1 && f.type() == RawHttp2.HEADERS);
        // The health response (status SERVING = 1) came back in a DATA frame: 5-byte prefix, field 1 = 1.
        assertThat(frames).anyMatch(f -> f.stream() == 1 && f.type() == RawHttp2.DATA
                && f.payload().length == 7 && f.payload()[5] == 0x08 && f.payload()[6] == 0x01);
    }

    @Test
    void paddedHeadersFrame_withNewNameLiterals_isAnswered() throws IOException {
        byte[] block = RawHttp2.concat(
                RawHttp2.newNameIndexed(":path", "/grpc.health.v1.Health/Check"),
                RawHttp2.newNameIndexed(":authority", "localhost"),
                new byte[] {(byte) 0x83, (byte) 0x86},
                RawHttp2.newNameNotIndexed("content-type", "application/grpc"));
        byte[] padded = RawHttp2.concat(new byte[] {3}, block, new byte[3]);

        List<Frame> frames = exchange(padded, 0x8);

        assertThat(frames).noneMatch(f -> f.type() == RawHttp2.GOAWAY || f.type() == RawHttp2.RST_STREAM)
                .anyMatch(f -> f.stream() == 1 && f.type() == RawHttp2.DATA && f.payload().length == 7);
    }

    private static List<Frame> exchange(byte[] headerPayload) throws IOException {
        return exchange(headerPayload, 0);
    }

    /** Preface, empty SETTINGS, SETTINGS ack, the HEADERS frame, an empty request message; frames until the end. */
    private static List<Frame> exchange(byte[] headerPayload, int extraFlags) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            byte[] request = RawHttp2.concat(RawHttp2.PREFACE,
                    RawHttp2.frame(RawHttp2.SETTINGS, 0, 0, new byte[0]),
                    RawHttp2.frame(RawHttp2.SETTINGS, RawHttp2.ACK, 0, new byte[0]),
                    RawHttp2.frame(RawHttp2.HEADERS, RawHttp2.END_HEADERS | extraFlags, 1, headerPayload),
                    RawHttp2.frame(RawHttp2.DATA, RawHttp2.END_STREAM, 1, new byte[5]));
            out.write(request);
            out.flush();
            InputStream in = socket.getInputStream();
            List<Frame> frames = new ArrayList<>();
            while (true) {
                Frame frame;
                try {
                    frame = Frame.read(in);
                } catch (IOException e) {
                    throw new AssertionError("no end of stream 1 after frames " + frames, e);
                }
                frames.add(frame);
                if (frame.type() == RawHttp2.GOAWAY || frame.stream() == 1 && (frame.type() == RawHttp2.RST_STREAM
                        || (frame.flags() & RawHttp2.END_STREAM) != 0)) {
                    return frames;
                }
            }
        }
    }
}
