package dev.roost.server.northbound.legacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.server.device.Device;
import dev.roost.server.device.NetworkInterface;
import dev.roost.server.group.Group;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The legacy system's JSON shapes of a device and a group, and its {@code yyyy-MM-dd} dates. Roost
 * keeps {@code software_last_update} as the instant of that day's start in UTC.
 */
final class LegacyShapes {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** What MySQL took for a DATE: yyyy-MM-dd or yyyy/MM/dd, or yyyyMMdd; a time part is dropped. */
    private static final Pattern SEPARATED = Pattern.compile("^(\\d{4})([-/])(\\d{1,2})\\2(\\d{1,2})(?:[ T].*)?$");
    private static final Pattern COMPACT = Pattern.compile("^(\\d{4})(\\d{2})(\\d{2})$");

    private LegacyShapes() {
    }

    /** The legacy device object; the secret hash is never shown ({@code password} is null). */
    static ObjectNode device(Device device) {
        ObjectNode node = NODES.objectNode();
        node.put("device_id", device.id().toString());
        node.put("device_name", device.name());
        node.put("device_type", device.type());
        ObjectNode hardware = node.putObject("hardware");
        hardware.put("sn", device.hardware().serial());
        hardware.put("model", device.hardware().model());
        ObjectNode software = node.putObject("software");
        software.put("version", device.softwareVersion());
        software.put("last_update", device.softwareUpdatedAt().map(LegacyShapes::date).orElse(null));
        ArrayNode nics = node.putArray("nic");
        List<NetworkInterface> interfaces = device.networkInterfaces();
        for (int i = 0; i < 2; i++) {
            NetworkInterface nic = i < interfaces.size() ? interfaces.get(i) : new NetworkInterface("", "", "");
            ObjectNode entry = nics.addObject();
            entry.put("type", orNull(nic.type()));
            entry.put("mac", orNull(nic.mac()));
            entry.put("ipv4", orNull(nic.ipv4()));
        }
        node.put("dev_description", orNull(device.description()));
        node.put("dev_state", state(device));
        node.putNull("password");
        node.put("created_time", device.createdAt().toEpochMilli());
        node.put("updated_time", device.updatedAt().toEpochMilli());
        return node;
    }

    static ObjectNode group(Group group) {
        ObjectNode node = NODES.objectNode();
        node.put("group_id", group.id().value());
        node.put("group_name", group.name());
        node.put("group_description", orNull(group.description()));
        node.put("created_time", group.createdAt().toEpochMilli());
        node.put("updated_time", group.updatedAt().toEpochMilli());
        return node;
    }

    static ArrayNode array(List<? extends JsonNode> items) {
        ArrayNode array = NODES.arrayNode();
        array.addAll(items);
        return array;
    }

    /** The legacy {@code dev_state}: "online" while connected, else "offline" ("disabled" for a disabled device). */
    static String state(Device device) {
        return switch (device.state()) {
            case ONLINE -> "online";
            case DISABLED -> "disabled";
            default -> "offline";
        };
    }

    static String date(Instant instant) {
        return LocalDate.ofInstant(instant, ZoneOffset.UTC).toString();
    }

    /** Parses a date as MySQL's DATE column took it; empty for what it refused. */
    static Optional<Instant> parseDate(String text) {
        String value = text.trim();
        Matcher separated = SEPARATED.matcher(value);
        Matcher compact = COMPACT.matcher(value);
        Matcher match = separated.matches() ? separated : compact.matches() ? compact : null;
        if (match == null) {
            return Optional.empty();
        }
        int day = Integer.parseInt(match.group(match.groupCount()));
        int month = Integer.parseInt(match.group(match.groupCount() - 1));
        try {
            return Optional.of(LocalDate.of(Integer.parseInt(match.group(1)), month, day)
                    .atStartOfDay(ZoneOffset.UTC).toInstant());
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    private static String orNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
