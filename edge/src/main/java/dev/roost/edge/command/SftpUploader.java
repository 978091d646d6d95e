package dev.roost.edge.command;

import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.sftp.SFTPClient;
import net.schmizz.sshj.transport.verification.FingerprintVerifier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/** Uploads files over SFTP with sshj, accepting only the host key with the configured fingerprint. */
public final class SftpUploader {
    private final SftpTarget target;

    public SftpUploader(SftpTarget target) {
        this.target = target;
    }

    /** Progress after each file: files done, bytes done. */
    public record Progress(int files, long bytes, String lastFile) {
    }

    /** Uploads {@code files} into {@code remoteDir} (created when missing); returns the total. */
    public Progress upload(List<Path> files, String remoteDir, Consumer<Progress> progress) throws IOException {
        try (SSHClient ssh = new SSHClient()) {
            ssh.addHostKeyVerifier(FingerprintVerifier.getInstance(target.hostKeyFingerprint()));
            ssh.setConnectTimeout((int) target.timeout().toMillis());
            ssh.setTimeout((int) target.timeout().toMillis());
            ssh.connect(target.host(), target.port());
            if (target.privateKeyFile().isPresent()) {
                ssh.authPublickey(target.user(), ssh.loadKeys(target.privateKeyFile().get().toString()));
            } else {
                ssh.authPassword(target.user(), target.password().orElse(""));
            }
            try (SFTPClient sftp = ssh.newSFTPClient()) {
                sftp.mkdirs(remoteDir);
                int count = 0;
                long bytes = 0;
                Progress done = new Progress(0, 0, "");
                for (Path file : files) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new java.io.InterruptedIOException("upload cancelled");
                    }
                    String name = file.getFileName().toString();
                    sftp.put(file.toString(), remoteDir + "/" + name);
                    count++;
                    bytes += Files.size(file);
                    done = new Progress(count, bytes, name);
                    progress.accept(done);
                }
                return done;
            }
        }
    }
}
