package dev.roost.server.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roost.server.command.CommandId;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.DeviceState;
import dev.roost.server.common.Json;
import dev.roost.server.event.EventDetail.CommandDetail;
import dev.roost.server.event.EventDetail.ConnectionDetail;
import dev.roost.server.event.EventDetail.LifecycleDetail;
import dev.roost.server.event.EventDetail.StatusDetail;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventDetailJsonTest {

    @Test
    void eachDetail_writesTheWireFields_andReadsBackEqual() {
        Map<EventType, Map.Entry<EventDetail, String>> cases = Map.of(
                EventType.LIFECYCLE, Map.entry(new LifecycleDetail(), "{}"),
                EventType.CONNECTED, Map.entry(ConnectionDetail.of(3, "10.0.0.1:5000").withAgentVersion("1.2")
                        .withDialect("v0"), "{\"epoch\":3,\"source\":\"10.0.0.1:5000\",\"agent_version\":\"1.2\","
                        + "\"dialect\":\"v0\"}"),
                EventType.DISCONNECTED, Map.entry(ConnectionDetail.ofEpoch(4), "{\"epoch\":4}"),
                EventType.STATUS, Map.entry(new StatusDetail(17, "b-1"), "{\"version\":17,\"boot_id\":\"b-1\"}"),
                EventType.COMMAND, Map.entry(new CommandDetail(42, "reboot", "SUCCEEDED", 7),
                        "{\"command_id\":\"42\",\"name\":\"reboot\",\"state\":\"SUCCEEDED\",\"group_command_id\":\"7\"}"));
        cases.forEach((type, c) -> {
            assertThat(EventDetailJson.write(c.getKey())).as(type.wireName()).isEqualTo(c.getValue());
            assertThat(EventDetailJson.read(type, c.getValue())).as(type.wireName()).isEqualTo(c.getKey());
        });
    }

    @Test
    void aCommandOutsideAGroupCommand_hasNoGroupCommandId_andMatchesNoGroupFilter() {
        CommandDetail single = new CommandDetail(42, "exec", "QUEUED", 0);

        assertThat(EventDetailJson.write(single)).doesNotContain("group_command_id");
        assertThat(single.inGroupCommand(0)).isFalse();
        assertThat(new CommandDetail(42, "exec", "QUEUED", 7).inGroupCommand(7)).isTrue();
    }

    @Test
    void aStoredDetailLackingFieldsOrNotJson_readsWithThemAbsent() {
        assertThat(EventDetailJson.read(EventType.DISCONNECTED, "{\"source\":\"cluster\"}"))
                .isEqualTo(ConnectionDetail.ofSource("cluster"));
        assertThat(EventDetailJson.read(EventType.COMMAND, "not json"))
                .isEqualTo(new CommandDetail(0, "", "", 0));
        assertThat(EventDetailJson.read(EventType.LIFECYCLE, "{\"imported\":true}")).isEqualTo(new LifecycleDetail());
    }

    @Test
    void aDetailOfAnotherType_isRefused() {
        assertThatThrownBy(() -> event(EventType.CONNECTED, new StatusDetail(1, "")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("connected");
    }

    @Test
    void restShapeOfAnEvent_keepsLowerCaseTypeAndDetailJsonAsText() {
        ObjectMapper mapper = Json.newMapper();
        JsonNode rest = mapper.valueToTree(event(EventType.COMMAND, new CommandDetail(42, "exec", "SENT", 0)));

        assertThat(rest.get("id").textValue()).isEqualTo("9");
        assertThat(rest.get("type").textValue()).isEqualTo("command");
        assertThat(rest.get("detail_json").textValue())
                .isEqualTo("{\"command_id\":\"42\",\"name\":\"exec\",\"state\":\"SENT\"}");
        assertThat(rest.has("detail")).isFalse();
        assertThat(mapper.valueToTree(new CommandId(42)).textValue()).as("command ids are strings").isEqualTo("42");
    }

    private static DeviceEvent event(EventType type, EventDetail detail) {
        return new DeviceEvent(9, new DeviceId(5), Instant.ofEpochMilli(1), type, "device", DeviceState.ONLINE,
                DeviceState.ONLINE, "why", detail);
    }
}
