package dev.roost.edge.command;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Uploads against an in-process Apache MINA SSHD SFTP server. */
class SftpUploaderTest {
    @TempDir
    Path local;
    @TempDir
    Path remoteRoot;

    private SshServer sshd;
    private String fingerprint;

    @BeforeEach
    void startSftpServer() throws Exception {
        sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        SimpleGeneratorHostKeyProvider keys = new SimpleGeneratorHostKeyProvider(local.resolve("hostkey.ser"));
        sshd.setKeyPairProvider(keys);
        sshd.setPasswordAuthenticator((user, password, session) -> "edge".equals(user) && "pw".equals(password));
        sshd.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        sshd.setFileSystemFactory(new VirtualFileSystemFactory(remoteRoot));
        sshd.start();
        KeyPairProvider provider = sshd.getKeyPairProvider();
        fingerprint = KeyUtils.getFingerPrint(BuiltinDigests.sha256,
                provider.loadKeys(null).iterator().next().getPublic());
    }

    @AfterEach
    void stop() throws Exception {
        sshd.stop(true);
    }

    private SftpTarget target(String expectedFingerprint) {
        return new SftpTarget("127.0.0.1", sshd.getPort(), "edge", Optional.empty(), Optional.of("pw"),
                expectedFingerprint, Duration.ofSeconds(10));
    }

    @Test
    void upload_withTheExpectedHostKey_putsEveryFileInTheRemoteDirectory_andReportsProgress() throws Exception {
        Path a = Files.writeString(local.resolve("roost-edge-1.log"), "first\n");
        Path b = Files.writeString(local.resolve("roost-edge-2.log"), "second line\n");
        List<SftpUploader.Progress> progress = new ArrayList<>();
        SftpUploader.Progress total = new SftpUploader(target(fingerprint)).upload(List.of(a, b), "logs/dev-1",
                progress::add);
        assertThat(total.files()).isEqualTo(2);
        assertThat(total.bytes()).isEqualTo(18);
        assertThat(progress).hasSize(2);
        assertThat(remoteRoot.resolve("logs/dev-1/roost-edge-2.log")).hasContent("second line");
    }

    @Test
    void upload_toAHostWithAnotherKey_isRefusedBeforeSendingAnything() throws Exception {
        Path a = Files.writeString(local.resolve("roost-edge-1.log"), "secret log\n");
        String wrong = "SHA256:" + "A".repeat(43);
        assertThatThrownBy(() -> new SftpUploader(target(wrong)).upload(List.of(a), "logs", p -> { }))
                .hasMessageContaining("Could not verify");
        assertThat(remoteRoot.resolve("logs")).doesNotExist();
    }
}
