package dev.roost.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.Map;

/** JSON merge patch (RFC 7386) for the state objects of docs/protocol.md: apply and compute. */
public final class MergePatch {
    private MergePatch() {
    }

    /** A new object: {@code target} with {@code patch} applied. Neither argument is changed. */
    public static ObjectNode apply(ObjectNode target, ObjectNode patch) {
        ObjectNode result = target.deepCopy();
        merge(result, patch);
        return result;
    }

    private static void merge(ObjectNode target, ObjectNode patch) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = patch.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            if (value.isNull()) {
                target.remove(field.getKey());
            } else if (value.isObject()) {
                JsonNode existing = target.get(field.getKey());
                ObjectNode child = existing != null && existing.isObject()
                        ? (ObjectNode) existing
                        : target.putObject(field.getKey());
                merge(child, (ObjectNode) value);
            } else {
                target.set(field.getKey(), value.deepCopy());
            }
        }
    }

    /**
     * The patch that turns {@code from} into {@code to}; empty when they are equal. Arrays are
     * replaced whole, as RFC 7386 prescribes.
     */
    public static ObjectNode diff(ObjectNode from, ObjectNode to) {
        ObjectNode patch = JsonNodeFactory.instance.objectNode();
        for (Iterator<String> names = from.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!to.has(name)) {
                patch.putNull(name);
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = to.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode before = from.get(field.getKey());
            JsonNode after = field.getValue();
            if (before != null && before.isObject() && after.isObject()) {
                ObjectNode child = diff((ObjectNode) before, (ObjectNode) after);
                if (!child.isEmpty()) {
                    patch.set(field.getKey(), child);
                }
            } else if (before == null || !before.equals(after)) {
                patch.set(field.getKey(), after.deepCopy());
            }
        }
        return patch;
    }
}
