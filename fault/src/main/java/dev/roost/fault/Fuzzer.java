package dev.roost.fault;

import dev.roost.edge.sim.DeviceCredential;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hostile clients, seeded and bounded: raw WebSocket frames (malformed JSON, huge and wrongly typed
 * fields, unknown types, binary, fragments, reserved opcodes and RSV bits, unmasked frames, lying
 * lengths, invalid UTF-8, long control frames), hostile REST requests (bad ids and JSON, huge and
 * deeply nested bodies, wrong content types, no or forged tokens, broken HTTP) and gRPC calls with
 * random bytes for a request. It counts what it sent and records, in {@link #findings()}, each answer
 * that shows a server fault: HTTP 5xx, an HTTP request closed or left without an answer (a close is
 * the right answer only to input that is not HTTP at all, which is counted apart), gRPC INTERNAL or
 * UNKNOWN.
 */
final class Fuzzer {
    private static final List<String> GRPC_METHODS = List.of("roost.v1.DeviceService/RegisterDevice",
            "roost.v1.DeviceService/GetDevice", "roost.v1.DeviceService/ListDevices", "roost.v1.DeviceService/UpdateDevice",
            "roost.v1.CommandService/SendCommand", "roost.v1.CommandService/GetCommand",
            "roost.v1.CommandService/ListCommands", "roost.v1.CommandService/SendGroupCommand",
            "roost.v1.GroupService/CreateGroup", "roost.v1.GroupService/AddMembers", "roost.v1.StatusService/GetStatus",
            "roost.v1.StatusService/UpdateDesiredState", "roost.v1.AccessService/Login", "roost.v1.AccessService/CreateUser",
            "roost.v1.EventService/ListEvents", "roost.v1.Nope/Missing");
    private static final List<String> REST_PATHS = List.of("/api/v1/devices", "/api/v1/devices/%s",
            "/api/v1/devices/%s/commands", "/api/v1/devices/%s/status", "/api/v1/devices/%s/desired",
            "/api/v1/commands/%s", "/api/v1/commands?device_id=%s&state=%s", "/api/v1/groups",
            "/api/v1/groups/%s/members", "/api/v1/login", "/api/v1/users", "/api/v1/tokens",
            "/api/v1/events?since=%s", "/service/devices_manage/give_order", "/%s");

    private final int port;
    private final String adminToken;
    private final DeviceCredential hostileDevice;
    private final DeviceCredential victim;
    private final Random random;
    /** Hostile clients come from their own address: per-address limits must not hit the operator or devices. */
    static final InetAddress SOURCE = address("127.0.0.2");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
            .localAddress(SOURCE).build();
    final AtomicInteger wsSent = new AtomicInteger();
    final AtomicInteger wsUpgradeFailures = new AtomicInteger();
    final AtomicInteger restSent = new AtomicInteger();
    /** Requests that were not HTTP at all and that the server closed without an answer: its right. */
    final AtomicInteger restClosedNotHttp = new AtomicInteger();
    final AtomicInteger grpcSent = new AtomicInteger();
    private final FuzzFindings findings = new FuzzFindings();

    Fuzzer(int port, String adminToken, DeviceCredential hostileDevice, DeviceCredential victim, long seed) {
        this.port = port;
        this.adminToken = adminToken;
        this.hostileDevice = hostileDevice;
        this.victim = victim;
        this.random = new Random(seed);
    }

    /** Runs at most {@code count} hostile actions, for at most {@code budget}. */
    void run(int count, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .localSocketPicker(new NettyChannelBuilder.LocalSocketPicker() {
                    @Override
                    public java.net.SocketAddress createSocketAddress(java.net.SocketAddress remote,
                                                                      io.grpc.Attributes attrs) {
                        return new InetSocketAddress(SOURCE, 0);
                    }
                })
                .maxInboundMessageSize(1 << 20).build();
        try {
            for (int n = 0; n < count && System.nanoTime() < deadline; n++) {
                switch (random.nextInt(3)) {
                    case 0 -> webSocket();
                    case 1 -> rest();
                    default -> grpc(channel);
                }
            }
        } finally {
            channel.shutdownNow();
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    String describe() {
        return String.format(Locale.ROOT, "ws_sent=%d ws_upgrade_failures=%d rest_sent=%d rest_5xx=%d "
                        + "rest_no_answer=%d rest_closed_not_http=%d grpc_sent=%d grpc_internal_or_unknown=%d",
                wsSent.get(), wsUpgradeFailures.get(), restSent.get(), findings.count(FuzzFindings.Kind.REST_5XX),
                findings.count(FuzzFindings.Kind.REST_NO_ANSWER), restClosedNotHttp.get(), grpcSent.get(),
                findings.count(FuzzFindings.Kind.GRPC_INTERNAL_OR_UNKNOWN));
    }

    /** The server faults this fuzzer saw, with the requests that caused them. */
    FuzzFindings findings() {
        return findings;
    }

    private void webSocket() {
        HostileWebSocket ws;
        try {
            ws = HostileWebSocket.open(SOURCE, port, random);
        } catch (IOException e) {
            wsUpgradeFailures.incrementAndGet();
            return;
        }
        try (ws) {
            if (random.nextBoolean()) {
                ws.text("{\"type\":\"auth\",\"id\":\"a1\",\"body\":{\"device_id\":\"" + hostileDevice.id()
                        + "\",\"secret\":\"" + hostileDevice.secret() + "\"}}");
                ws.drain(100);
            }
            int frames = 1 + random.nextInt(3);
            for (int i = 0; i < frames; i++) {
                hostileFrame(ws);
                wsSent.incrementAndGet();
            }
            ws.drain(150);
        } catch (IOException e) {
            // the server closed on us: that is its right
        }
    }

    private void hostileFrame(HostileWebSocket ws) throws IOException {
        switch (random.nextInt(16)) {
            case 0 -> ws.text(randomText(1 + random.nextInt(200)));
            case 1 -> ws.text("{\"type\":\"status\",\"id\":\"s1\",\"body\":{\"mode\":\"snapshot\",\"state\":{\"x\":\""
                    + "A".repeat(60_000) + "\"}}}");
            case 2 -> ws.text("{\"type\":\"status\",\"id\":\"s2\",\"body\":{\"state\":{\"x\":\"" + "B".repeat(70_000) + "\"}}}");
            case 3 -> ws.text("{\"type\":5,\"id\":[1],\"reply_to\":{},\"ts\":\"now\",\"body\":\"x\"}");
            case 4 -> ws.text("{\"type\":\"no_such_type\",\"id\":\"u1\",\"body\":{}}");
            case 5 -> ws.frame(true, 0, HostileWebSocket.BINARY, true, randomBytes(1 + random.nextInt(512)), -1);
            case 6 -> {
                ws.frame(false, 0, HostileWebSocket.TEXT, true, "{\"type\":\"pi".getBytes(StandardCharsets.UTF_8), -1);
                ws.frame(true, 0, HostileWebSocket.PING, true, new byte[0], -1);
                for (int i = 0; i < 1 + random.nextInt(50); i++) {
                    ws.frame(false, 0, HostileWebSocket.CONTINUATION, true, randomBytes(100), -1);
                }
            }
            case 7 -> ws.frame(true, 0, new int[] {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}[random.nextInt(10)], true,
                    randomBytes(random.nextInt(20)), -1);
            case 8 -> ws.frame(true, 1 + random.nextInt(7), HostileWebSocket.TEXT, true,
                    "{\"type\":\"ping\",\"id\":\"r1\",\"body\":{}}".getBytes(StandardCharsets.UTF_8), -1);
            case 9 -> ws.frame(true, 0, HostileWebSocket.TEXT, false,
                    "{\"type\":\"ping\",\"id\":\"m1\",\"body\":{}}".getBytes(StandardCharsets.UTF_8), -1);
            case 10 -> ws.frame(true, 0, HostileWebSocket.TEXT, true, randomBytes(10), 1L << 62);
            case 11 -> ws.frame(true, 0, HostileWebSocket.TEXT, true, new byte[] {'"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"'}, -1);
            case 12 -> ws.frame(true, 0, HostileWebSocket.PING, true, randomBytes(126 + random.nextInt(1000)), -1);
            case 13 -> ws.frame(true, 0, HostileWebSocket.CLOSE, true, new byte[] {(byte) 0x03, (byte) 0xE7, 'x'}, -1);
            case 14 -> ws.text("{\"type\":\"auth\",\"id\":\"v1\",\"body\":{\"device_id\":\"" + victim.id()
                    + "\",\"secret\":\"wrong-" + random.nextInt() + "\"}}");
            default -> ws.text("{\"type\":\"command_result\",\"id\":\"c1\",\"body\":{\"command_id\":\""
                    + random.nextLong() + "\",\"status\":\"succeeded\",\"code\":" + random.nextInt()
                    + ",\"result\":{\"deep\":" + "[".repeat(2_000) + "]".repeat(2_000) + "},\"message\":\""
                    + "M".repeat(5_000) + "\"}}");
        }
    }

    private void rest() {
        restSent.incrementAndGet();
        if (random.nextInt(8) == 0) {
            rawHttp();
            return;
        }
        String path = String.format(Locale.ROOT, REST_PATHS.get(random.nextInt(REST_PATHS.size())), hostileId(), hostileId());
        URI uri;
        try {
            uri = URI.create("http://127.0.0.1:" + port + path.replace(" ", "%20"));
        } catch (IllegalArgumentException e) {
            uri = URI.create("http://127.0.0.1:" + port + "/api/v1/devices/" + random.nextLong());
        }
        String body = switch (random.nextInt(7)) {
            case 0 -> randomText(50);
            case 1 -> "{\"name\":" + random.nextInt() + ",\"params\":[],\"timeout_ms\":\"x\"}";
            case 2 -> "{\"name\":\"" + "n".repeat(100_000) + "\"}";
            case 3 -> "[".repeat(50_000) + "]".repeat(50_000);
            case 4 -> "{\"patch\":{\"a\":" + "{\"a\":".repeat(3_000) + "1" + "}".repeat(3_000) + "},\"expected_version\":-1}";
            case 5 -> "{\"device_ids\":[" + "\"1\",".repeat(20_000) + "\"1\"]}";
            default -> "{\"name\":\"fault.work\",\"params\":{},\"timeout_ms\":-5,\"delivery_deadline\":\"yesterday\"}";
        };
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
        String auth;
        switch (random.nextInt(3)) {
            case 0 -> {
                request.header("Authorization", "Bearer " + adminToken);
                auth = "admin token";
            }
            case 1 -> {
                String forged = "rst_" + randomText(30).replaceAll("[^A-Za-z0-9]", "x");
                request.header("Authorization", "Bearer " + forged);
                auth = "Bearer " + forged;
            }
            default -> auth = "no token";
        }
        String contentType = random.nextBoolean() ? "application/json" : "text/plain; charset=klingon";
        request.header("Content-Type", contentType);
        String method = List.of("GET", "POST", "PATCH", "PUT", "DELETE").get(random.nextInt(5));
        request.method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        String sent = method + " " + FuzzFindings.excerpt(uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())) + " [" + auth + "; Content-Type: "
                + contentType + "] body=" + (method.equals("GET") ? "none" : FuzzFindings.excerpt(body));
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() >= 500) {
                findings.add(FuzzFindings.Kind.REST_5XX, sent, response.version() + " " + response.statusCode() + " "
                        + FuzzFindings.excerpt(new String(response.body(), StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            findings.add(FuzzFindings.Kind.REST_NO_ANSWER, sent, "no answer: " + e.getClass().getName() + ": "
                    + FuzzFindings.excerpt(String.valueOf(e.getMessage())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void rawHttp() {
        int kind = random.nextInt(4);
        String request = switch (kind) {
            case 0 -> "GARBAGE " + randomText(100) + "\r\n\r\n";
            case 1 -> "GET /api/v1/devices HTTP/1.1\r\nHost: x\r\nX-Big: " + "h".repeat(200_000) + "\r\n\r\n";
            case 2 -> "POST /api/v1/devices HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n"
                    + "Content-Type: application/json\r\n\r\n{\"name\":";
            default -> "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                    + "Content-Type: application/json\r\n\r\nFFFFFFFFFFFF\r\n{}\r\n";
        };
        boolean http = kind != 0;
        String sent = "raw " + FuzzFindings.excerpt(request);
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(SOURCE, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 3_000);
            socket.setSoTimeout(3_000);
            // Written from another thread: a server may answer and close before it read everything
            // (a 431 to a 200 KB header), and the answer must still be read here.
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (IOException e) {
                    // the server stopped reading: its answer, if any, is read below
                }
            });
            String statusLine = statusLine(socket.getInputStream());
            writer.join(3_000);
            if (statusLine.isEmpty()) {
                closedWithoutAnswer(http, sent, "closed without an answer");
            } else if (statusLine.matches("HTTP/1\\.[01] 5\\d\\d.*")) {
                findings.add(FuzzFindings.Kind.REST_5XX, sent, FuzzFindings.excerpt(statusLine));
            }
        } catch (java.net.SocketTimeoutException e) {
            findings.add(FuzzFindings.Kind.REST_NO_ANSWER, sent, "no answer within 3 s, connection still open");
        } catch (IOException e) {
            closedWithoutAnswer(http, sent, "no answer: " + e.getClass().getName() + ": "
                    + FuzzFindings.excerpt(String.valueOf(e.getMessage())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closedWithoutAnswer(boolean http, String sent, String answer) {
        if (http) {
            findings.add(FuzzFindings.Kind.REST_NO_ANSWER, sent, answer);
        } else {
            restClosedNotHttp.incrementAndGet();
        }
    }

    /** The first line the server sent, empty when it closed before sending anything. */
    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0 && b != '\n' && line.length() < 200; b = in.read()) {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    private void grpc(ManagedChannel channel) {
        grpcSent.incrementAndGet();
        MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(GRPC_METHODS.get(random.nextInt(GRPC_METHODS.size())))
                .setRequestMarshaller(new RawMarshaller()).setResponseMarshaller(new RawMarshaller()).build();
        Metadata headers = new Metadata();
        if (random.nextInt(4) > 0) {
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + adminToken);
        }
        byte[] request = random.nextInt(4) == 0
                ? new byte[] {0x0A, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F} // a length far beyond the bytes
                : randomBytes(random.nextInt(2_000));
        try {
            ClientCalls.blockingUnaryCall(io.grpc.ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)),
                    method, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), request);
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == io.grpc.Status.Code.INTERNAL
                    || e.getStatus().getCode() == io.grpc.Status.Code.UNKNOWN) {
                findings.add(FuzzFindings.Kind.GRPC_INTERNAL_OR_UNKNOWN, "gRPC " + method.getFullMethodName() + " ["
                        + (headers.keys().isEmpty() ? "no token" : "admin token") + "] request(" + request.length
                        + " bytes)=" + hex(request, 48), e.getStatus().getCode() + " "
                        + FuzzFindings.excerpt(String.valueOf(e.getStatus().getDescription()))
                        + (e.getStatus().getCause() == null ? "" : " cause "
                        + FuzzFindings.excerpt(e.getStatus().getCause().toString())));
            }
        }
    }

    private static String hex(byte[] bytes, int max) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, max); i++) {
            out.append(String.format(Locale.ROOT, "%02x", bytes[i] & 0xFF));
        }
        return bytes.length > max ? out + "..." : out.toString();
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private String hostileId() {
        return switch (random.nextInt(6)) {
            case 0 -> "-1";
            case 1 -> "99999999999999999999999";
            case 2 -> "abc%00def";
            case 3 -> "%F0%9F%92%A9" + "9".repeat(random.nextInt(5_000));
            case 4 -> "..%2F..%2Fetc%2Fpasswd";
            default -> victim.id();
        };
    }

    private String randomText(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) (random.nextInt(3) == 0 ? random.nextInt(0x2FFF) : 32 + random.nextInt(95)));
        }
        return text.toString();
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static final class RawMarshaller implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
