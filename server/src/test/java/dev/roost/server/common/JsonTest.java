package dev.roost.server.common;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JsonTest {
    @Test
    void text_isCompactJson_equalToTheTreesOwnRendering() {
        ObjectNode node = JsonNodeFactory.instance.objectNode().put("epoch", 7).put("source", "10.0.0.1:5000");
        node.putArray("tags").add("a").add("\"quoted\"");
        node.putObject("nested").putNull("none");

        assertThat(Json.text(node))
                .isEqualTo("{\"epoch\":7,\"source\":\"10.0.0.1:5000\",\"tags\":[\"a\",\"\\\"quoted\\\"\"],"
                        + "\"nested\":{\"none\":null}}")
                .isEqualTo(node.toString());
    }
}
