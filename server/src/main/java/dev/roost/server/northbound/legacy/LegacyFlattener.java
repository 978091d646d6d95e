package dev.roost.server.northbound.legacy;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The legacy system's flattening of a nested body into column names: {@code {"hardware":{"sn":..}}}
 * becomes {@code hardware_sn}, the i-th (1-based) element of an array {@code nic} becomes
 * {@code nic<i>_*} (no underscore before the index). A later duplicate overwrites an earlier one,
 * so nested and flat spellings can be mixed.
 */
final class LegacyFlattener {
    private LegacyFlattener() {
    }

    /**
     * @throws LegacyFailure the framework's 500 when the body or an array element is not an object,
     *                       as the legacy flattener crashed on them
     */
    static Map<String, JsonNode> flatten(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw LegacyFailure.crash();
        }
        Map<String, JsonNode> flat = new LinkedHashMap<>();
        flatten(body, "", flat);
        return flat;
    }

    private static void flatten(JsonNode object, String prefix, Map<String, JsonNode> flat) {
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = prefix.isEmpty() ? field.getKey() : prefix + "_" + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                flatten(value, name, flat);
            } else if (value.isArray()) {
                for (int i = 0; i < value.size(); i++) {
                    if (!value.get(i).isObject()) {
                        throw LegacyFailure.crash();
                    }
                    flatten(value.get(i), name + (i + 1), flat);
                }
            } else {
                flat.put(name, value);
            }
        }
    }
}
