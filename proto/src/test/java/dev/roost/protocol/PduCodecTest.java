package dev.roost.protocol;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PduCodecTest {
    private final PduCodec codec = new PduCodec();
    private final ObjectMapper json = new ObjectMapper();
    static final java.util.List<String> GOLDEN = Golden.NAMES;

    @ParameterizedTest
    @FieldSource("GOLDEN")
    void goldenFile_roundTripsUnchanged(String name) throws Exception {
        String text = Golden.read(name);
        Pdu pdu = codec.decode(text);
        assertThat(pdu.type().wireName()).isEqualTo(name.split("\\.")[0]);
        assertThat(json.readTree(codec.encode(pdu))).isEqualTo(json.readTree(text));
    }

    @Test
    void everyMessageType_hasAGoldenFile() {
        Set<MessageType> covered = EnumSet.noneOf(MessageType.class);
        for (String name : Golden.NAMES) {
            covered.add(codec.decode(Golden.read(name)).type());
        }
        assertThat(covered).containsExactlyInAnyOrder(MessageType.values());
    }

    @Test
    void typedBodies_carryTheFields() {
        Messages.Status diff = codec.decode(Golden.read("status.diff")).body(Messages.Status.class);
        assertThat(diff.isDiff()).isTrue();
        assertThat(diff.baseVersion()).isEqualTo(7);
        assertThat(diff.state().path("cpu").path("usage_pct").asDouble()).isEqualTo(40.0);
        Pdu ack = codec.decode(Golden.read("command_ack"));
        assertThat(ack.replyTo()).contains("s-6");
    }

    private void assertRejected(String text, ProtocolErrorCode code, String message) {
        assertThatThrownBy(() -> codec.decode(text))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.getMessage()).contains(message);
                });
    }

    @Test
    void malformedInput_isRejectedWithPreciseCodes() {
        assertRejected("not json", ProtocolErrorCode.BAD_FRAME, "not JSON");
        assertRejected("[1,2]", ProtocolErrorCode.BAD_FRAME, "JSON object");
        assertRejected("{\"type\":\"ping\",\"body\":{}}", ProtocolErrorCode.BAD_ENVELOPE, "id must be");
        assertRejected("{\"type\":\"ping\",\"id\":\"" + "x".repeat(65) + "\",\"body\":{}}", ProtocolErrorCode.BAD_ENVELOPE,
                "id must be");
        assertRejected("{\"type\":\"hello\",\"id\":\"1\",\"body\":{}}", ProtocolErrorCode.UNKNOWN_TYPE, "'hello'");
        assertRejected("{\"type\":\"ping\",\"id\":\"1\"}", ProtocolErrorCode.BAD_ENVELOPE, "body must be an object");
        assertRejected("{\"type\":\"ping\",\"id\":\"1\",\"body\":{},\"extra\":1}", ProtocolErrorCode.BAD_ENVELOPE, "extra");
        assertRejected("{\"type\":\"ping\",\"id\":\"1\",\"ts\":\"now\",\"body\":{}}", ProtocolErrorCode.BAD_ENVELOPE, "ts");
        assertRejected("{\"type\":\"auth\",\"id\":\"1\",\"body\":{\"device_id\":\"5\"}}", ProtocolErrorCode.MISSING_FIELD,
                "body.secret");
        assertRejected("{\"type\":\"status\",\"id\":\"1\",\"body\":{\"mode\":\"diff\",\"base_version\":-1,"
                + "\"state\":{}}}", ProtocolErrorCode.INVALID_FIELD, "body.base_version");
        assertRejected("{\"type\":\"status\",\"id\":\"1\",\"body\":{\"mode\":\"snapshot\",\"state\":[1]}}",
                ProtocolErrorCode.INVALID_FIELD, "body.state");
        assertRejected("{\"type\":\"status_ack\",\"id\":\"1\",\"body\":{\"version\":\"8\"}}",
                ProtocolErrorCode.INVALID_FIELD, "body.version");
        assertRejected("{\"type\":\"command_result\",\"id\":\"1\",\"body\":{\"command_id\":\"5\",\"status\":\"ok\"}}",
                ProtocolErrorCode.INVALID_FIELD, "body.status");
    }

    @Test
    void rejectedMessage_keepsItsIdForTheReply() {
        assertThatThrownBy(() -> codec.decode("{\"type\":\"nope\",\"id\":\"d-42\",\"body\":{}}"))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.messageId()).contains("d-42"));
    }

    @Test
    void diffWithBaseVersionZero_isValid_forTheServerToAnswerResync() {
        Pdu pdu = codec.decode("{\"type\":\"status\",\"id\":\"1\",\"body\":{\"mode\":\"diff\",\"state\":{}}}");
        assertThat(pdu.body(Messages.Status.class).baseVersion()).isZero();
    }

    @Test
    void invalidBody_namesTheMessageType() {
        assertThatThrownBy(() -> codec.decode("{\"type\":\"auth\",\"id\":\"a1\",\"body\":{}}"))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ProtocolErrorCode.MISSING_FIELD);
                    assertThat(e.messageType()).contains(MessageType.AUTH);
                    assertThat(e.messageId()).contains("a1");
                });
    }

    @Test
    void peekId_readsTheTopLevelIdOnly() {
        assertThat(codec.peekId("{\"body\":{\"id\":\"inner\"},\"type\":\"ping\",\"id\":\"d-7\"}")).contains("d-7");
        assertThat(codec.peekId("{\"type\":\"ping\",\"body\":{}}")).isEmpty();
        assertThat(codec.peekId("{\"id\":42}")).isEmpty();
        assertThat(codec.peekId("not json")).isEmpty();
    }

    @Test
    void unknownBodyFields_areIgnoredForForwardCompatibility() {
        Pdu pdu = codec.decode("{\"type\":\"ping\",\"id\":\"1\",\"body\":{\"future\":true}}");
        assertThat(pdu.type()).isEqualTo(MessageType.PING);
    }
}
