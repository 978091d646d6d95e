package dev.roost.server.southbound;

import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 6455 §5.2: a frame with a reserved opcode fails the connection with close code 1002. */
class ReservedOpcodeTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {0x3, 0x7, 0xB, 0xF})
    void reservedOpcode_afterAValidPing_isClosedWith1002(int opcode) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Protocol: roost.v1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            assertThat(readHeaderBlock(in)).startsWith("HTTP/1.1 101");

            // A masked ping with a 2-byte payload (answered with a pong), then the reserved opcode, in one write.
            byte[] mask = {1, 2, 3, 4};
            out.write(new byte[] {(byte) 0x89, (byte) 0x82, mask[0], mask[1], mask[2], mask[3], 'h' ^ 1, 'i' ^ 2,
                    (byte) (0x80 | opcode), (byte) 0x80, mask[0], mask[1], mask[2], mask[3]});
            out.flush();

            int first = in.readUnsignedByte();
            assertThat(first).as("a pong (0x8A) first, not 'H' of an HTTP response").isEqualTo(0x8A);
            in.readNBytes(in.readUnsignedByte());
            assertThat(in.readUnsignedByte()).as("then a close frame").isEqualTo(0x88);
            int length = in.readUnsignedByte();
            byte[] payload = in.readNBytes(length);
            assertThat(((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF)).isEqualTo(1002);
            assertThat(new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8))
                    .isEqualTo("Reserved opcode " + opcode);
            assertThat(in.read()).as("then the end of the connection").isEqualTo(-1);
        }
    }

    private static String readHeaderBlock(DataInputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        while (!text.toString().endsWith("\r\n\r\n")) {
            text.append((char) in.readUnsignedByte());
        }
        return text.toString();
    }
}
