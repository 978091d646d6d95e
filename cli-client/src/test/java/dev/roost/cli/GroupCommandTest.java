package dev.roost.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.cli.CliRunner.Result;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code roost group ...} against a real server. */
class GroupCommandTest extends ServerBackedTest {
    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private String create(String name) {
        Result result = cli().run("group", "create", name, "--description", "test group", "-o", "json");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result.json().get("id").asText();
    }

    @Test
    void createGetRenameDelete() {
        String name = unique("lab");
        Result created = cli().run("group", "create", name);
        assertThat(created.exitCode()).isZero();
        assertThat(created.out()).startsWith("created group ").contains(name);
        String id = cli().run("group", "get", "--name", name, "-o", "json").json().get("id").asText();

        Result shown = cli().run("group", "get", id);
        assertThat(shown.out()).contains("name:").contains(name).contains("member_count:");

        String renamed = unique("lab-east");
        Result rename = cli().run("group", "rename", id, renamed, "--description", "east wing", "-o", "json");
        assertThat(rename.json().get("name").asText()).isEqualTo(renamed);
        assertThat(rename.json().get("description").asText()).isEqualTo("east wing");

        Result deleted = cli().run("group", "delete", id, "-o", "json");
        assertThat(deleted.json().get("deleted").asBoolean()).isTrue();
        assertThat(cli().run("group", "get", id).exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    void duplicateName_exits1_alreadyExists() {
        String name = unique("dup");
        create(name);

        Result again = cli().run("group", "create", name);

        assertThat(again.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(again.err()).contains(name).contains("(ALREADY_EXISTS)");
    }

    @Test
    void duplicateNameWithHeaderUnsafeCharacters_reportsTheNameVerbatim_everyTime() {
        String name = "<<<<<<<<<<<<<<<<<<<<<<<<X {[\\^`~#$@}] 100% é " + UUID.randomUUID().toString().substring(0, 8);
        create(name);

        for (int attempt = 0; attempt < 2; attempt++) {
            Result again = cli().run("group", "create", name);

            assertThat(again.exitCode()).as(again.toString()).isEqualTo(ExitCodes.FAILED);
            assertThat(again.err()).contains("a group named '" + name + "' exists").contains("(ALREADY_EXISTS)");
        }
    }

    @Test
    void addListAndRemoveMembers() {
        String group = create(unique("members"));
        String first = server.registerDevice("m1")[0];
        String second = server.registerDevice("m2")[0];

        Result added = cli().run("group", "add", group, first, second);
        assertThat(added.exitCode()).as(added.toString()).isZero();
        assertThat(added.out()).contains("added 2 device(s)").contains("has 2 member(s)");

        Result members = cli().run("group", "members", group, "-o", "json");
        assertThat(members.json().get("items")).extracting(item -> item.get("device_id").asText())
                .containsExactly(first, second);
        assertThat(cli().run("group", "members", group).lines()).containsExactly("DEVICE_ID", first, second);

        Result removed = cli().run("group", "remove", group, first, "-o", "yaml");
        JsonNode change = removed.yaml();
        assertThat(change.get("changed").asLong()).isEqualTo(1);
        assertThat(change.get("member_count").asLong()).isEqualTo(1);

        Result list = cli().run("group", "list", "--name-prefix", "members-", "-o", "json");
        assertThat(list.json().get("items")).anySatisfy(g -> {
            assertThat(g.get("id").asText()).isEqualTo(group);
            assertThat(g.get("member_count").asLong()).isEqualTo(1);
        });
        Result table = cli().run("group", "list");
        assertThat(table.lines().getFirst()).contains("ID").contains("NAME").contains("MEMBERS");
    }

    @Test
    void addingAnUnknownDevice_exits3_andChangesNothing() {
        String group = create(unique("strict"));
        String known = server.registerDevice("known")[0];

        Result result = cli().run("group", "add", group, known, "999");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(result.err()).contains("(NOT_FOUND)");
        assertThat(cli().run("group", "get", group, "-o", "json").json().get("member_count").asLong()).isZero();
    }
}
