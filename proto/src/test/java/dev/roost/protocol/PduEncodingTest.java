package dev.roost.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.FieldSource;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PduCodec#encode} writes each PDU field by field; these tests hold it to the bytes of the
 * tree it replaced (the record serialized by the mapper into a tree, under the envelope), for every
 * golden file and for every body type with every field set and with every optional one left out.
 */
class PduEncodingTest {
    static final List<String> GOLDEN = Golden.NAMES;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final PduCodec codec = new PduCodec();

    /** The encoder before the field-by-field one, kept as the oracle. */
    private String treeEncode(Pdu pdu) throws JsonProcessingException {
        ObjectMapper mapper = codec.mapper();
        ObjectNode tree = mapper.createObjectNode();
        tree.put("type", pdu.type().wireName());
        tree.put("id", pdu.id());
        pdu.replyTo().ifPresent(replyTo -> tree.put("reply_to", replyTo));
        if (pdu.ts() != 0) {
            tree.put("ts", pdu.ts());
        }
        tree.set("body", mapper.valueToTree(pdu.body()));
        return mapper.writeValueAsString(tree);
    }

    @ParameterizedTest
    @FieldSource("GOLDEN")
    void goldenFile_encodesByteForByte_asTheTreeDid(String name) throws Exception {
        Pdu pdu = codec.decode(Golden.read(name));
        assertThat(codec.encode(pdu)).isEqualTo(Golden.read(name)).isEqualTo(treeEncode(pdu));
    }

    @ParameterizedTest
    @EnumSource(MessageType.class)
    void everyField_set_encodesAsTheTreeDid(MessageType type) throws Exception {
        for (JsonNode freeForm : freeFormValues()) {
            Body body = body(type, true, freeForm);
            for (Pdu pdu : envelopes(body)) {
                assertThat(codec.encode(pdu)).isEqualTo(treeEncode(pdu));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(MessageType.class)
    void everyOptionalField_absent_encodesAsTheTreeDid(MessageType type) throws Exception {
        Body body = body(type, false, null);
        for (Pdu pdu : envelopes(body)) {
            assertThat(codec.encode(pdu)).isEqualTo(treeEncode(pdu));
        }
    }

    @Test
    void hardwareWithoutFields_encodesAsTheTreeDid() throws Exception {
        Pdu pdu = Pdu.of("d-1", new Messages.Auth(null, new Messages.Hardware(null, null), "s", null, null));
        assertThat(codec.encode(pdu)).isEqualTo(treeEncode(pdu)).contains("\"hardware\":{}");
    }

    @Test
    void freeFormValues_keepTheirNulls_andTheirNumberTypes() {
        ObjectNode patch = NODES.objectNode().putNull("fan").put("ratio", 0.5f).put("load", 40.0);
        String text = codec.encode(Pdu.of("d-3", Messages.Status.diff(7, patch)));
        assertThat(text).isEqualTo("{\"type\":\"status\",\"id\":\"d-3\",\"body\":{\"mode\":\"diff\",\"base_version\":7,"
                + "\"state\":{\"fan\":null,\"ratio\":0.5,\"load\":40.0}}}");
    }

    private static List<Pdu> envelopes(Body body) {
        return List.of(Pdu.of("s-1", body), Pdu.reply("d-\u00e9\"\\", "s-1", body),
                new Pdu("d-2", Optional.of(""), Long.MIN_VALUE, body), new Pdu("d-3", Optional.empty(), 1, body));
    }

    /** Free-form values (params, state, result) of every JSON kind, nested, with nulls and odd numbers. */
    private static List<JsonNode> freeFormValues() {
        ObjectNode rich = NODES.objectNode();
        rich.put("text", "tab\t, quote\", snowman \u2603, emoji \ud83d\ude00, control \u0001");
        rich.putNull("gone");
        rich.put("int", Integer.MIN_VALUE).put("long", Long.MAX_VALUE).put("big", new BigInteger("123456789012345678901234567890"));
        rich.put("double", 40.0).put("tiny", 1.0e-300).put("float", 0.1f).put("nan", Double.NaN)
                .put("infinity", Double.NEGATIVE_INFINITY);
        rich.put("yes", true).put("no", false);
        rich.putArray("list").add(1).addNull().add("x").addObject().put("deep", NODES.arrayNode());
        rich.put("decimal", new BigDecimal("1.50")).put("hundred", new BigDecimal("100")).put("zero", new BigDecimal("0.000"))
                .put("exact", new BigDecimal("12.345"));
        rich.putObject("empty");
        rich.putArray("none");
        rich.putObject("nested").putObject("more").put("\u00fcber key", "v");
        rich.put("bytes", new byte[] {1, 2, 3});
        return List.of(rich, NODES.objectNode());
    }

    /** A body of {@code type} from its record components: every one set, or every reference one null. */
    private static Body body(MessageType type, boolean full, JsonNode freeForm) throws ReflectiveOperationException {
        RecordComponent[] components = type.bodyType().getRecordComponents();
        List<Object> args = new ArrayList<>();
        for (RecordComponent component : components) {
            Class<?> kind = component.getType();
            Object value;
            if (kind == long.class) {
                value = full ? Long.MAX_VALUE : 0L;
            } else if (kind == int.class) {
                value = full ? -7 : 0;
            } else if (!full) {
                value = null;
            } else if (kind == String.class) {
                value = component.getName() + " \"\u00e9\\\n";
            } else if (kind == Messages.Hardware.class) {
                value = new Messages.Hardware("SN-1", "RX-100");
            } else if (kind == ObjectNode.class) {
                value = freeForm.deepCopy();
            } else if (kind == JsonNode.class) {
                value = freeForm.deepCopy();
            } else {
                throw new AssertionError("no sample for " + kind + " in " + type + ": add one");
            }
            args.add(value);
        }
        Constructor<? extends Body> constructor = type.bodyType().getDeclaredConstructor(
                Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
        return constructor.newInstance(args.toArray());
    }

    @Test
    void resultValues_thatAreNotObjects_encodeAsTheTreeDid() throws Exception {
        for (JsonNode result : List.of(NODES.textNode("ok"), NODES.nullNode(), NODES.numberNode(3),
                NODES.numberNode(2.5), NODES.booleanNode(true), NODES.arrayNode().add(1).add("a"))) {
            Pdu pdu = Pdu.of("d-6", new Messages.CommandResult("5", "succeeded", 0, result, null));
            assertThat(codec.encode(pdu)).isEqualTo(treeEncode(pdu));
        }
    }
}
