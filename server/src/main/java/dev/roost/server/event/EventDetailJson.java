package dev.roost.server.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.roost.server.common.Json;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An {@link EventDetail} as the JSON object the database column, the APIs ({@code detail_json})
 * and the cluster's messages carry. Field names are snake_case; ids are strings, as everywhere in
 * the APIs; absent fields are left out.
 *
 * <p>Reading never fails: a stored detail lacking a field (or not an object at all) reads with the
 * field absent, 0 or "", so that one odd row cannot break a device's log.
 */
public final class EventDetailJson {
    private EventDetailJson() {
    }

    public static String write(EventDetail detail) {
        return Json.text(tree(detail));
    }

    static ObjectNode tree(EventDetail detail) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        switch (detail) {
            case EventDetail.LifecycleDetail lifecycle -> {
            }
            case EventDetail.ConnectionDetail connection -> {
                connection.epoch().ifPresent(epoch -> node.put("epoch", epoch));
                connection.source().ifPresent(source -> node.put("source", source));
                connection.agentVersion().ifPresent(version -> node.put("agent_version", version));
                connection.dialect().ifPresent(dialect -> node.put("dialect", dialect));
            }
            case EventDetail.StatusDetail status -> node.put("version", status.version()).put("boot_id", status.bootId());
            case EventDetail.CommandDetail command -> {
                node.put("command_id", Long.toString(command.commandId()))
                        .put("name", command.name())
                        .put("state", command.state());
                if (command.groupCommandId() != 0) {
                    node.put("group_command_id", Long.toString(command.groupCommandId()));
                }
            }
        }
        return node;
    }

    /** The detail of an event of {@code type} from its JSON text. */
    public static EventDetail read(EventType type, String json) {
        JsonNode node = Json.tree(json).filter(JsonNode::isObject).orElse(JsonNodeFactory.instance.objectNode());
        return switch (type) {
            case LIFECYCLE -> new EventDetail.LifecycleDetail();
            case CONNECTED, DISCONNECTED -> new EventDetail.ConnectionDetail(
                    node.path("epoch").isIntegralNumber() ? OptionalLong.of(node.get("epoch").asLong())
                            : OptionalLong.empty(),
                    text(node, "source"), text(node, "agent_version"), text(node, "dialect"));
            case STATUS -> new EventDetail.StatusDetail(node.path("version").asLong(0),
                    node.path("boot_id").asText(""));
            case COMMAND -> new EventDetail.CommandDetail(id(node, "command_id"), node.path("name").asText(""),
                    node.path("state").asText(""), id(node, "group_command_id"));
        };
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? Optional.of(value.textValue()) : Optional.empty();
    }

    private static long id(JsonNode node, String field) {
        try {
            return Long.parseLong(node.path(field).asText("0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Writes a detail as its JSON text: the REST shape of an event keeps {@code detail_json} a string. */
    public static final class AsText extends StdSerializer<EventDetail> {
        public AsText() {
            super(EventDetail.class);
        }

        @Override
        public void serialize(EventDetail detail, JsonGenerator generator, SerializerProvider provider)
                throws IOException {
            generator.writeString(write(detail));
        }
    }
}
