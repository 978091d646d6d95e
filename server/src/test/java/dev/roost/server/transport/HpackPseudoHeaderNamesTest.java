package dev.roost.server.transport;

import io.helidon.common.buffers.DataReader;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class HpackPseudoHeaderNamesTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void newNameLiterals_becomeStaticIndexes_keepingTheirIndexingKind() {
        byte[] block = RawHttp2.concat(
                RawHttp2.newNameIndexed(":path", "/x"),
                HEX.parseHex("10053a70617468022f79"),      // never indexed, new name ":path", "/y"
                RawHttp2.newNameNotIndexed(":authority", "h"),
                RawHttp2.newNameIndexed("te", "trailers"));

        byte[] rewritten = HpackPseudoHeaderNames.indexed(block, 0, block.length).orElseThrow();

        assertThat(HEX.formatHex(rewritten)).isEqualTo("44022f78" + "14022f79" + "010168"
                + HEX.formatHex(RawHttp2.newNameIndexed("te", "trailers")));
    }

    @Test
    void huffmanEncodedName_isRecognised() {
        // ":path" Huffman-coded (RFC 7541 appendix B): 0x84 = Huffman, 4 bytes.
        byte[] block = HEX.parseHex("4084b958d33f022f78");

        assertThat(HpackPseudoHeaderNames.indexed(block, 0, block.length)).hasValueSatisfying(
                b -> assertThat(HEX.formatHex(b)).isEqualTo("44022f78"));
    }

    @Test
    void blockWithoutLiteralPseudoHeaderNames_isLeftAlone() {
        byte[] block = RawHttp2.concat(new byte[] {(byte) 0x83, (byte) 0x86, 0x44, 0x02, '/', 'x'},
                RawHttp2.newNameIndexed("content-type", "application/grpc"));

        assertThat(HpackPseudoHeaderNames.indexed(block, 0, block.length)).isEmpty();
    }

    @Test
    void truncatedBlock_isLeftForTheDecoderToRefuse() {
        byte[] block = HEX.parseHex("40053a70617468102f");

        assertThat(HpackPseudoHeaderNames.indexed(block, 0, block.length)).isEmpty();
    }

    @Test
    void filter_rewritesTheSameWhateverHowTheBytesArrive() {
        byte[] headers = RawHttp2.frame(RawHttp2.HEADERS, RawHttp2.END_HEADERS, 1,
                RawHttp2.concat(RawHttp2.newNameIndexed(":path", "/x"), new byte[] {(byte) 0x83}));
        byte[] data = RawHttp2.frame(RawHttp2.DATA, RawHttp2.END_STREAM, 1, new byte[] {0, 0, 0, 0, 0});
        byte[] request = RawHttp2.concat(RawHttp2.PREFACE, RawHttp2.frame(RawHttp2.SETTINGS, 0, 0, new byte[0]),
                headers, data);
        byte[] expected = RawHttp2.concat(RawHttp2.PREFACE, RawHttp2.frame(RawHttp2.SETTINGS, 0, 0, new byte[0]),
                RawHttp2.frame(RawHttp2.HEADERS, RawHttp2.END_HEADERS, 1, HEX.parseHex("44022f7883")), data);

        Http2HeaderBlockFilter whole = new Http2HeaderBlockFilter(DataReader.create(() -> null));
        Http2HeaderBlockFilter byteByByte = new Http2HeaderBlockFilter(DataReader.create(() -> null));
        ByteArrayOutputStream pieces = new ByteArrayOutputStream();
        for (byte b : request) {
            pieces.writeBytes(byteByByte.filter(new byte[] {b}));
        }

        assertThat(HEX.formatHex(whole.filter(request))).isEqualTo(HEX.formatHex(expected));
        assertThat(HEX.formatHex(pieces.toByteArray())).isEqualTo(HEX.formatHex(expected));
    }
}
