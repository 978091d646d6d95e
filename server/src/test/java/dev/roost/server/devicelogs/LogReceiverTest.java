package dev.roost.server.devicelogs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.proto.v1.GetLogRequest;
import dev.roost.proto.v1.ListLogsRequest;
import dev.roost.proto.v1.LogChunk;
import dev.roost.proto.v1.LogServiceGrpc;
import dev.roost.server.support.Await;
import dev.roost.server.support.TestServer;
import dev.roost.server.support.V0Controller;
import io.grpc.StatusRuntimeException;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.sftp.SFTPClient;
import net.schmizz.sshj.userauth.UserAuthException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The built-in SFTP receiver with a real SFTP client (sshj), and the logs read back over REST and gRPC. */
@Tag("db")
class LogReceiverTest {
    private static final int MAX_FILE = 4096;
    @TempDir
    static Path logs;
    @TempDir
    static Path local;
    private static TestServer server;
    private static SftpReceiver receiver;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("logs.enabled", "true", "logs.port", "0", "logs.host", "127.0.0.1",
                "logs.dir", logs.toString(), "logs.host-key-file", logs.resolve("host-key").toString(),
                "logs.max-file-bytes", Integer.toString(MAX_FILE), "logs.max-device-bytes", "10000",
                "logs.retention", "P1D"));
        receiver = server.server().logReceiver().orElseThrow();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static SSHClient ssh(String user, String password) throws IOException {
        SSHClient ssh = new SSHClient();
        ssh.addHostKeyVerifier(receiver.hostKeyFingerprint());
        ssh.connect("127.0.0.1", receiver.port());
        try {
            ssh.authPassword(user, password);
        } catch (IOException e) {
            ssh.close();
            throw e;
        }
        return ssh;
    }

    private static Path localFile(String name, String content) throws IOException {
        return Files.writeString(local.resolve(name), content);
    }

    private static LogServiceGrpc.LogServiceBlockingStub grpc() {
        return LogServiceGrpc.newBlockingStub(server.channel()).withCallCredentials(TestServer.bearer(ADMIN_TOKEN));
    }

    private static HttpResponse<byte[]> download(String device, String name) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/api/v1/devices/" + device + "/logs/" + name)).header("Authorization", "Bearer " + ADMIN_TOKEN)
                .build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aDeviceUploadsIntoItsFolder_andTheFileIsListedAndDownloadedOverRestAndGrpc() throws Exception {
        String[] device = server.registerDevice("log-uploader");
        String content = "line one\nline two\n";
        try (SSHClient ssh = ssh(device[0], device[1]); SFTPClient sftp = ssh.newSFTPClient()) {
            sftp.mkdirs("/");
            sftp.put(localFile("agent.log", content).toString(), "/agent.log");
        }
        JsonNode list = server.rest().get("/api/v1/devices/" + device[0] + "/logs", ADMIN_TOKEN).data();
        assertThat(list.at("/files/0/name").asText()).isEqualTo("agent.log");
        assertThat(list.at("/files/0/size_bytes").asLong()).isEqualTo(content.length());

        HttpResponse<byte[]> got = download(device[0], "agent.log");
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(new String(got.body(), StandardCharsets.UTF_8)).isEqualTo(content);

        assertThat(grpc().listLogs(ListLogsRequest.newBuilder().setDeviceId(device[0]).build()).getFiles(0)
                .getSizeBytes()).isEqualTo(content.length());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Iterator<LogChunk> chunks = grpc().getLog(GetLogRequest.newBuilder().setDeviceId(device[0])
                .setName("agent.log").build());
        chunks.forEachRemaining(chunk -> bytes.writeBytes(chunk.getData().toByteArray()));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(content);

        assertThatThrownBy(() -> grpc().getLog(GetLogRequest.newBuilder().setDeviceId(device[0]).setName("nope.log")
                .build()).next()).isInstanceOf(StatusRuntimeException.class).hasMessageContaining("NOT_FOUND");
        assertThat(download(device[0], "..%2F..%2Fhost-key").statusCode()).isIn(400, 404);
    }

    @Test
    void pathTraversal_otherDevicesFolders_linksAndFolders_areRefused() throws Exception {
        String[] owner = server.registerDevice("log-owner");
        String[] intruder = server.registerDevice("log-intruder");
        try (SSHClient ssh = ssh(owner[0], owner[1]); SFTPClient sftp = ssh.newSFTPClient()) {
            sftp.put(localFile("secret.log", "owner's data").toString(), "/secret.log");
        }
        try (SSHClient ssh = ssh(intruder[0], intruder[1]); SFTPClient sftp = ssh.newSFTPClient()) {
            Path target = local.resolve("stolen.log");
            for (String path : new String[] {"/../" + owner[0] + "/secret.log", "../" + owner[0] + "/secret.log",
                "/" + owner[0] + "/secret.log"}) {
                assertThatThrownBy(() -> sftp.get(path, target.toString())).as(path).isInstanceOf(IOException.class);
            }
            assertThatThrownBy(() -> sftp.put(localFile("x.log", "x").toString(), "/../" + owner[0] + "/x.log"))
                    .isInstanceOf(IOException.class);
            // The root of its file system is its own folder: it sees nothing of the owner's.
            assertThat(sftp.ls("/..")).noneMatch(entry -> entry.getName().equals("secret.log")
                    || entry.getName().equals(owner[0]));
            assertThatThrownBy(() -> sftp.symlink("/link.log", "/../" + owner[0] + "/secret.log"))
                    .isInstanceOf(IOException.class);
            assertThatThrownBy(() -> sftp.mkdir("/sub")).isInstanceOf(IOException.class);
        }
        assertThat(Files.exists(logs.resolve(owner[0]).resolve("x.log"))).isFalse();
        assertThat(Files.list(logs.resolve(intruder[0])).toList()).isEmpty();
        // Credentials of one device never open another's folder.
        assertThatThrownBy(() -> ssh(owner[0], intruder[1]).close()).isInstanceOf(UserAuthException.class);
        assertThatThrownBy(() -> ssh("0" + owner[0], owner[1]).close()).isInstanceOf(UserAuthException.class);
    }

    @Test
    void anOversizedUpload_isCutAtTheLimitAndFails() throws Exception {
        String[] device = server.registerDevice("log-big");
        try (SSHClient ssh = ssh(device[0], device[1]); SFTPClient sftp = ssh.newSFTPClient()) {
            Path big = localFile("big.log", "x".repeat(3 * MAX_FILE));
            assertThatThrownBy(() -> sftp.put(big.toString(), "/big.log")).isInstanceOf(IOException.class);
        }
        assertThat(Files.size(logs.resolve(device[0]).resolve("big.log"))).isEqualTo(MAX_FILE);
    }

    @Test
    void retention_deletesOldFilesOnly() throws Exception {
        String[] device = server.registerDevice("log-old");
        try (SSHClient ssh = ssh(device[0], device[1]); SFTPClient sftp = ssh.newSFTPClient()) {
            sftp.put(localFile("old.log", "old").toString(), "/old.log");
            sftp.put(localFile("new.log", "new").toString(), "/new.log");
        }
        Path old = logs.resolve(device[0]).resolve("old.log");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        assertThat(receiver.sweep()).isGreaterThanOrEqualTo(1);
        assertThat(Files.exists(old)).isFalse();
        assertThat(Files.exists(logs.resolve(device[0]).resolve("new.log"))).isTrue();
    }

    @Test
    void aV0Controller_uploadsItsLogOnUploadLog_intoTheBuiltInReceiver() throws Exception {
        String[] device = server.registerDevice("v0-logs");
        try (V0Controller controller = V0Controller.connect(server.port())) {
            assertThat(controller.loginById(device[0], device[1])).contains("success");
            String command = server.rest().post("/api/v1/devices/" + device[0] + "/commands", ADMIN_TOKEN,
                    "{\"name\":\"upload_log\"}").data().get("id").asText();
            JsonNode order = controller.nextJson(Duration.ofSeconds(10));
            assertThat(order.at("/Headers/order_type").asText()).isEqualTo("upload_log");
            // As the controller's sftp_upload does: <remote_dir>/<device_id>.log with its own SFTP settings.
            String remote = order.at("/data/remote_dir").asText() + device[0] + ".log";
            try (SSHClient ssh = ssh(device[0], device[1]); SFTPClient sftp = ssh.newSFTPClient()) {
                sftp.put(localFile("controller.log", "controller log\n").toString(), remote);
            }
            controller.answer("success", "successfully upload log.");
            Await.until("upload_log succeeded", () -> server.rest().get("/api/v1/commands/" + command, ADMIN_TOKEN)
                    .data().path("state").asText().equals("SUCCEEDED"));
        }
        assertThat(new String(download(device[0], device[0] + ".log").body(), StandardCharsets.UTF_8))
                .isEqualTo("controller log\n");
    }
}
