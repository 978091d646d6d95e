package dev.roost.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@link PduCodec#decode} reads a valid message in one streaming pass and leaves everything else to
 * the tree reader it had before: these tests hold the streaming pass to the tree's result, on the
 * golden files and on thousands of seeded mutations of them.
 */
class PduDecodingTest {
    static final List<String> GOLDEN = Golden.NAMES;
    static final List<String> GOLDEN_WITH_BODY_FIELDS = GOLDEN.stream()
            .filter(name -> !Golden.json(name).get("body").isEmpty()).toList();
    /** JSON values, as text, that a mutation puts in place of a field's value. */
    private static final List<String> VALUES = List.of("null", "true", "false", "0", "-0", "1", "-1", "7", "1.0",
            "1.5", "-2.5e3", "1E2", "1e400", "0.1e1", "2147483648", "9223372036854775807", "-9223372036854775808",
            "9223372036854775808", "99999999999999999999", "9.5e18", "\"\"", "\"x\"", "\"5\"", "\"8\"",
            "\"" + "x".repeat(64) + "\"", "\"" + "x".repeat(65) + "\"", "\"\\u0000\\n\\\"\"", "\"succeeded\"",
            "\"failed\"", "\"diff\"", "\"snapshot\"", "\"full\"", "\"patch\"", "\"ping\"", "\"command_result\"",
            "\"status\"", "\"command_ack\"", "[]", "[1,\"a\",null]", "{}", "{\"a\":null}", "{\"boot_id\":\"b\"}",
            "{\"boot_id\":7}", "{\"cpu\":{\"usage_pct\":1.25}}");
    /** Field names a mutation adds: the envelope's, the bodies', and unknown ones. */
    private static final List<String> NAMES = List.of("type", "id", "reply_to", "ts", "body", "command_id", "status",
            "code", "result", "message", "mode", "base_version", "state", "version", "boot_id", "secret", "device_id",
            "hardware", "serial", "model", "session_token", "params", "timeout_ms", "applied", "errors", "extra",
            "diff", "succeeded");
    private static final String JSON_CHARACTERS = " {}[]\",:0123456789.-+eEtrufalsn\\x";

    private final PduCodec codec = new PduCodec();
    private final ObjectMapper json = new ObjectMapper();

    @ParameterizedTest
    @FieldSource("GOLDEN")
    void goldenFile_isReadInOnePass_asTheTreeReadsIt(String name) {
        String text = Golden.read(name);
        assertThat(codec.decodeStreaming(text)).contains(codec.decodeTree(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"body\":{},\"type\":\"ping\",\"id\":\"d-1\"}",
            "{\"type\":\"ping\",\"id\":\"d-1\",\"id\":\"d-2\",\"body\":{}}",
            "{\"type\":\"ping\",\"id\":\"d-1\",\"reply_to\":\"s-1\",\"reply_to\":null,\"body\":{}}",
            "{\"type\":\"ping\",\"id\":\"d-1\",\"ts\":1.5,\"body\":{}}"})
    void messagesTheStreamingPassLeavesToTheTree_stillDecode(String text) {
        assertThat(codec.decodeStreaming(text)).isEmpty();
        assertThat(codec.decode(text)).isEqualTo(codec.decodeTree(text));
    }

    @Test
    void repeatedBodyField_keepsTheLast_asTheTreeDoes() {
        String text = "{\"type\":\"command_ack\",\"id\":\"d-1\",\"body\":{\"command_id\":\"1\",\"command_id\":\"2\"}}";
        assertThat(codec.decode(text).body(Messages.CommandAck.class).commandId()).isEqualTo("2");
    }

    /** Every field of every golden body (and of objects inside it) once more, right after itself or last. */
    @ParameterizedTest
    @FieldSource("GOLDEN_WITH_BODY_FIELDS")
    void repeatedFieldInTheBody_decodesOrFails_asTheTreeDoes(String name) throws Exception {
        ObjectNode root = (ObjectNode) json.readTree(Golden.read(name));
        List<ObjectNode> objects = new ArrayList<>();
        collectObjects(root.get("body"), objects);
        int cases = 0;
        for (ObjectNode target : objects) {
            List<String> names = new ArrayList<>();
            target.fieldNames().forEachRemaining(names::add);
            for (String repeated : names) {
                for (String value : VALUES) {
                    for (boolean last : new boolean[] {false, true}) {
                        String text = withRepeatedField(root, target, repeated, value, last);
                        assertDecodesAsTheTree(text);
                        cases++;
                    }
                }
            }
        }
        assertThat(cases).isGreaterThanOrEqualTo(2 * VALUES.size());
    }

    @Test
    void mutatedGoldenFiles_decodeOrFail_exactlyAsTheTreeDoes() throws Exception {
        Random random = new Random(20261204);
        Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
        for (int i = 0; i < 5_000; i++) {
            String golden = Golden.read(GOLDEN.get(random.nextInt(GOLDEN.size())));
            String text = random.nextInt(4) == 0 ? mutateText(random, golden) : mutateTree(random, golden);
            outcomes.merge(assertDecodesAsTheTree(text), 1, Integer::sum);
        }
        assertThat(outcomes.get(Outcome.STREAMED)).as("mutants read in one pass").isGreaterThan(1_000);
        assertThat(outcomes.get(Outcome.REJECTED)).as("mutants rejected").isGreaterThan(1_000);
    }

    private enum Outcome { STREAMED, TREE_ONLY, REJECTED }

    private Outcome assertDecodesAsTheTree(String text) {
        Optional<Pdu> fast = codec.decodeStreaming(text);
        Pdu reference;
        try {
            reference = codec.decodeTree(text);
        } catch (ProtocolException expected) {
            assertThat(fast).as("accepted in one pass, rejected by the tree: %s", text).isEmpty();
            try {
                codec.decode(text);
                fail("decoded what the tree rejects: " + text);
            } catch (ProtocolException e) {
                assertThat(e.code()).as(text).isEqualTo(expected.code());
                assertThat(e.getMessage()).as(text).isEqualTo(expected.getMessage());
                assertThat(e.messageId()).as(text).isEqualTo(expected.messageId());
                assertThat(e.messageType()).as(text).isEqualTo(expected.messageType());
            }
            return Outcome.REJECTED;
        }
        assertThat(codec.decode(text)).as(text).isEqualTo(reference);
        fast.ifPresent(pdu -> assertThat(pdu).as(text).isEqualTo(reference));
        return fast.isPresent() ? Outcome.STREAMED : Outcome.TREE_ONLY;
    }

    private String withRepeatedField(JsonNode node, ObjectNode target, String repeated, String value, boolean last)
            throws Exception {
        if (!(node instanceof ObjectNode object)) {
            return json.writeValueAsString(node);
        }
        StringBuilder out = new StringBuilder("{");
        String again = json.writeValueAsString(repeated) + ":" + value;
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            out.append(out.length() > 1 ? "," : "").append(json.writeValueAsString(field.getKey())).append(':')
                    .append(withRepeatedField(field.getValue(), target, repeated, value, last));
            if (node == target && !last && field.getKey().equals(repeated)) {
                out.append(',').append(again);
            }
        }
        if (node == target && last) {
            out.append(',').append(again);
        }
        return out.append('}').toString();
    }

    private static String mutateText(Random random, String text) {
        StringBuilder out = new StringBuilder(text);
        int at = random.nextInt(out.length());
        switch (random.nextInt(3)) {
            case 0 -> out.deleteCharAt(at);
            case 1 -> out.insert(at, JSON_CHARACTERS.charAt(random.nextInt(JSON_CHARACTERS.length())));
            default -> out.setCharAt(at, JSON_CHARACTERS.charAt(random.nextInt(JSON_CHARACTERS.length())));
        }
        return out.toString();
    }

    /** One change to one object of the message (envelope, body or free-form), written in a random field order. */
    private String mutateTree(Random random, String text) throws Exception {
        ObjectNode root = (ObjectNode) json.readTree(text);
        List<ObjectNode> objects = new ArrayList<>();
        collectObjects(root, objects);
        ObjectNode target = objects.get(random.nextInt(objects.size()));
        List<String> names = new ArrayList<>();
        target.fieldNames().forEachRemaining(names::add);
        String duplicate = null;
        switch (random.nextInt(5)) {
            case 0 -> {
                if (!names.isEmpty()) {
                    target.remove(names.get(random.nextInt(names.size())));
                }
            }
            case 1 -> target.putRawValue(NAMES.get(random.nextInt(NAMES.size())),
                    new RawValue(VALUES.get(random.nextInt(VALUES.size()))));
            case 2 -> {
                if (!names.isEmpty()) {
                    target.putRawValue(names.get(random.nextInt(names.size())),
                            new RawValue(VALUES.get(random.nextInt(VALUES.size()))));
                }
            }
            case 3 -> duplicate = names.isEmpty() ? null : names.get(random.nextInt(names.size()));
            default -> {
                // field order only
            }
        }
        StringBuilder out = new StringBuilder();
        write(root, target, duplicate, random, out);
        return out.toString();
    }

    private static void collectObjects(JsonNode node, List<ObjectNode> objects) {
        if (node instanceof ObjectNode object) {
            objects.add(object);
        }
        node.elements().forEachRemaining(child -> collectObjects(child, objects));
    }

    private void write(JsonNode node, ObjectNode target, String duplicate, Random random, StringBuilder out)
            throws Exception {
        if (!(node instanceof ObjectNode object)) {
            out.append(json.writeValueAsString(node));
            return;
        }
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(object.properties());
        if (random.nextInt(3) == 0) {
            Collections.shuffle(fields, random);
        }
        out.append('{');
        String separator = "";
        for (Map.Entry<String, JsonNode> field : fields) {
            out.append(separator).append(json.writeValueAsString(field.getKey())).append(':');
            write(field.getValue(), target, duplicate, random, out);
            separator = ",";
            if (node == target && field.getKey().equals(duplicate)) {
                out.append(",").append(json.writeValueAsString(duplicate)).append(':')
                        .append(VALUES.get(random.nextInt(VALUES.size())));
            }
        }
        out.append('}');
    }
}
