package dev.roost.server.transport;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.http2.Http2Exception;
import io.helidon.http.http2.Http2Flag;
import io.helidon.http.http2.Http2FrameData;
import io.helidon.http.http2.Http2FrameHeader;
import io.helidon.http.http2.Http2FrameTypes;
import io.helidon.http.http2.Http2Headers;
import io.helidon.http.http2.Http2HuffmanDecoder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Pins the Helidon defect that {@link LiteralPseudoHeaderProvider} works around. When this test
 * fails, the Helidon on the classpath decodes pseudo-headers sent as new-name literals: delete the
 * provider, its service file and this test (docs/architecture.md, Helidon workarounds).
 */
class HelidonHpackLiteralNameTest {

    @Test
    void helidonDecoder_refusesPathAsNewNameLiteral() {
        byte[] block = RawHttp2.concat(
                RawHttp2.newNameIndexed(":path", "/grpc.health.v1.Health/Check"),
                RawHttp2.newNameIndexed(":authority", "localhost"),
                new byte[] {(byte) 0x83, (byte) 0x86});
        Http2FrameHeader header = Http2FrameHeader.create(block.length, Http2FrameTypes.HEADERS,
                Http2Flag.HeaderFlags.create(Http2Flag.END_OF_HEADERS), 1);
        Http2FrameData frame = new Http2FrameData(header, BufferData.create(block));

        assertThatThrownBy(() -> Http2Headers.create(null, Http2Headers.DynamicTable.create(4096),
                Http2HuffmanDecoder.create(), frame))
                .isInstanceOf(Http2Exception.class)
                .hasMessageContaining(":path");
    }
}
