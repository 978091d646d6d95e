package dev.roost.server.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.GroupId;
import dev.roost.server.common.Json;
import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GroupCommandIdTest {
    private final ObjectMapper rest = Json.newMapper();

    @Test
    void parse_readsADecimalId_andRefusesZero() {
        assertThat(GroupCommandId.parse("group_command_id", "7")).isEqualTo(new GroupCommandId(7));
        assertThatThrownBy(() -> GroupCommandId.parse("group_command_id", "0"))
                .isInstanceOfSatisfying(RoostException.class, e -> assertThat(e.code())
                        .isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("group_command_id");
    }

    @Test
    void restShape_groupCommandIdIsAString_andZeroForACommandToOneDevice() {
        JsonNode member = rest.valueToTree(command(Optional.of(new GroupCommandId(7))));
        JsonNode single = rest.valueToTree(command(Optional.empty()));

        assertThat(member.get("group_command_id").textValue()).isEqualTo("7");
        assertThat(single.get("group_command_id").textValue()).isEqualTo("0");
        assertThat(member.has("group_command_id_text")).isFalse();
    }

    @Test
    void restShape_ofAGroupCommand_carriesItsIdAsAString() {
        GroupCommand group = new GroupCommand(new GroupCommandId(7), new GroupId(3), "exec",
                JsonNodeFactory.instance.objectNode(), 2, Map.of(), Instant.ofEpochMilli(1));

        assertThat(rest.valueToTree(group).get("id").textValue()).isEqualTo("7");
    }

    private static Command command(Optional<GroupCommandId> group) {
        Instant at = Instant.ofEpochMilli(1);
        return new Command(new CommandId(42), new DeviceId(5), "exec", JsonNodeFactory.instance.objectNode(),
                CommandState.QUEUED, JsonNodeFactory.instance.objectNode(), 0, "", Optional.empty(), group, at, at,
                Duration.ofSeconds(30), at.plusSeconds(60), Optional.empty(), "");
    }
}
