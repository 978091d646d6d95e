package dev.roost.edge.link;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;

import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * How the device link speaks TLS to a {@code wss://} server: TLS 1.3 or 1.2, the server's
 * certificate checked against the JVM's default trust store or, when a CA file is pinned, against
 * the certificates of that file only, and its host name checked against the URL. A client
 * certificate, when given, is presented for mutual TLS. Built once and shared by every connection.
 */
public final class ClientTls {
    /**
     * The PEM files, as configured.
     *
     * @param caFile            trust only these CA certificates; the JVM's default trust store when empty
     * @param clientCertificate certificate chain presented to the server (with {@code clientKey})
     * @param clientKey         its private key, unencrypted PEM (PKCS#8 is what the tests use)
     */
    public record Files(Optional<Path> caFile, Optional<Path> clientCertificate, Optional<Path> clientKey) {
        public static final Files SYSTEM_TRUST = new Files(Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** A setting that cannot be used; {@link #key()} names it. The message never quotes key material. */
    public static final class InvalidSetting extends IllegalArgumentException {
        private final String key;

        InvalidSetting(String key, String problem) {
            super(problem);
            this.key = key;
        }

        /** The setting, as named in the agent's configuration ({@code tls.ca-file}, ...). */
        public String key() {
            return key;
        }
    }

    public static final String CA_FILE = "tls.ca-file";
    public static final String CLIENT_CERT = "tls.client-cert";
    public static final String CLIENT_KEY = "tls.client-key";

    private final Files files;
    private final SslContext context;

    private ClientTls(Files files, SslContext context) {
        this.files = files;
        this.context = context;
    }

    /** Reads and checks the files now, so that a bad one stops the start instead of every connect. */
    public static ClientTls create(Files files) {
        if (files.clientCertificate().isPresent() != files.clientKey().isPresent()) {
            throw new InvalidSetting(files.clientKey().isPresent() ? CLIENT_CERT : CLIENT_KEY,
                    "is required when " + (files.clientKey().isPresent() ? CLIENT_KEY : CLIENT_CERT) + " is set");
        }
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .protocols("TLSv1.3", "TLSv1.2")
                .endpointIdentificationAlgorithm("HTTPS");
        files.caFile().ifPresent(ca -> {
            readable(CA_FILE, ca);
            try {
                builder.trustManager(ca.toFile());
            } catch (IllegalArgumentException e) {
                throw new InvalidSetting(CA_FILE, ca + " holds no PEM certificate");
            }
        });
        if (files.clientCertificate().isPresent()) {
            Path certificate = files.clientCertificate().get();
            Path key = files.clientKey().get();
            readable(CLIENT_CERT, certificate);
            readable(CLIENT_KEY, key);
            try {
                builder.keyManager(certificate.toFile(), key.toFile());
            } catch (IllegalArgumentException e) {
                // Netty says which of the two it could not read; its message names the file, not its content.
                boolean keyProblem = String.valueOf(e.getMessage()).contains("private key");
                throw new InvalidSetting(keyProblem ? CLIENT_KEY : CLIENT_CERT, (keyProblem ? key
                        + " holds no unencrypted PEM private key" : certificate + " holds no PEM certificate"));
            }
        }
        try {
            return new ClientTls(files, builder.build());
        } catch (SSLException e) {
            throw new InvalidSetting(files.clientCertificate().isPresent() ? CLIENT_CERT : CA_FILE,
                    "cannot set up TLS: " + e.getMessage());
        }
    }

    public Files files() {
        return files;
    }

    /** Where the server's certificate must chain to, for messages. */
    public String trustDescription() {
        return files.caFile().map(ca -> "the pinned CA file " + ca).orElse("the system trust store");
    }

    /** The same trust and client certificate for the JDK's clients (the simulator's REST registration). */
    public SSLContext jdkContext() {
        return ((JdkSslContext) context).context();
    }

    /** A handler for one connection to {@code host}: SNI and the host name check use it. */
    SslHandler newHandler(ByteBufAllocator allocator, String host, int port) {
        return context.newHandler(allocator, host, port);
    }

    private static void readable(String key, Path file) {
        if (!java.nio.file.Files.isReadable(file)) {
            throw new InvalidSetting(key, "cannot read " + file);
        }
    }
}
