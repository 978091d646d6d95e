package dev.roost.server.northbound;

import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/1.1 whose framing is broken, over a raw socket (no client lets it through): each gets a 4xx,
 * the REST envelope where Roost's handlers saw the request, never a 500. Found by the fault suite's
 * fuzzer (docs/reliability.md).
 */
class BrokenHttpTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /**
     * Everything the server sends before it closes the connection (or 10 s pass). The request is
     * written from another thread: the server may answer and close before it read all of it (a 431
     * to a 200 KB header), and the answer must still be read.
     */
    private static String exchange(String request) throws IOException, InterruptedException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                    socket.getOutputStream().flush();
                    socket.shutdownOutput();
                } catch (IOException e) {
                    // the server stopped reading: its answer is read below
                }
            });
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            try {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    answer.write(buffer, 0, n);
                }
            } catch (SocketException reset) {
                // what was read before the reset is the answer
            }
            writer.join(Duration.ofSeconds(10));
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    private static String chunked(String path, String chunkSize) {
        return "POST " + path + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                + "Authorization: Bearer " + TestServer.ADMIN_TOKEN + "\r\n"
                + "Content-Type: application/json\r\n\r\n" + chunkSize + "\r\n{}\r\n0\r\n\r\n";
    }

    @Test
    void chunkSizeBeyondAnInt_is400WithTheEnvelope() throws IOException, InterruptedException {
        String answer = exchange(chunked("/api/v1/login", "FFFFFFFFFFFF"));

        assertThat(answer).startsWith("HTTP/1.1 400 ");
        assertThat(answer).contains("\"type\":\"INVALID_ARGUMENT\"", "\"message\":\"body: malformed chunked encoding");
    }

    @Test
    void chunkSizeThatIsNotHex_is400WithTheEnvelope() throws IOException, InterruptedException {
        String answer = exchange(chunked("/api/v1/login", "zz"));

        assertThat(answer).startsWith("HTTP/1.1 400 ");
        assertThat(answer).contains("\"type\":\"INVALID_ARGUMENT\"");
    }

    @Test
    void brokenChunk_onTheLegacyApi_is400() throws IOException, InterruptedException {
        String answer = exchange(chunked("/service/devices_manage/give_order", "FFFFFFFFFFFF"));

        assertThat(answer).startsWith("HTTP/1.1 400 ");
    }

    @Test
    void headerOverTheLimit_is4xx() throws IOException, InterruptedException {
        String answer = exchange("GET /api/v1/devices HTTP/1.1\r\nHost: x\r\nX-Big: " + "h".repeat(200_000) + "\r\n\r\n");

        assertThat(answer).matches("(?s)HTTP/1\\.1 4\\d\\d .*");
    }

    @Test
    void contentLengthOverTheMaximumPayload_is413() throws IOException, InterruptedException {
        String answer = exchange("POST /api/v1/devices HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n"
                + "Content-Type: application/json\r\n\r\n{\"name\":");

        assertThat(answer).startsWith("HTTP/1.1 413 ");
    }

    /** Not HTTP at all: closing the connection without an answer is the documented answer (docs/api.md). */
    @Test
    void requestLineThatIsNotHttp_isClosedWithoutAnAnswer() throws IOException, InterruptedException {
        String answer = exchange("GARBAGE \u2603 nothing like HTTP\r\n\r\n");

        assertThat(answer).isEmpty();
    }
}
