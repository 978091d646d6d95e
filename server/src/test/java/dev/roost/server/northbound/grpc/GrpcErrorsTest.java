package dev.roost.server.northbound.grpc;

import io.grpc.InternalMetadata;
import io.grpc.InternalStatus;
import io.grpc.Metadata;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class GrpcErrorsTest {

    @Test
    void percentEncoded_keepsPlainText_andEncodesPercentNonAsciiAndLongHuffmanCharacters() {
        assertThat(GrpcErrors.percentEncoded("name: must be at most 128 characters, was 130"))
                .isEqualTo("name: must be at most 128 characters, was 130");
        assertThat(GrpcErrors.percentEncoded("a group named '<X>' exists"))
                .isEqualTo("a group named %27%3CX%3E%27 exists");
        assertThat(GrpcErrors.percentEncoded("100% é")).isEqualTo("100%25 %C3%A9");
    }

    @Test
    void percentEncoded_isWhatGrpcJavaDecodesBackToTheMessage() {
        String message = "<<<X {[\\^`~#$@}] 100% é ✓ \"quoted\" (x) a+b;c|d?!*&'";
        String onTheWire = GrpcErrors.percentEncoded(message);

        // grpc-java's own reading of a received grpc-message header.
        Metadata received = InternalMetadata.newMetadata("grpc-message".getBytes(StandardCharsets.US_ASCII),
                onTheWire.getBytes(StandardCharsets.US_ASCII));

        assertThat(onTheWire).matches("[A-Za-z0-9 \\-._/:=,%]*");
        assertThat(received.get(InternalStatus.MESSAGE_KEY)).isEqualTo(message);
    }
}
