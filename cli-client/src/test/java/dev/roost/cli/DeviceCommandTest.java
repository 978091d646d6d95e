package dev.roost.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.cli.CliRunner.Result;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code roost device ...} against a real server. */
class DeviceCommandTest extends ServerBackedTest {
    private String register(String name, String... extra) {
        String[] args = new String[] {"device", "register", name, "--serial", UUID.randomUUID().toString(),
                "--model", "RX-100", "-o", "json"};
        Result result = cli().run(concat(args, extra));
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result.json().at("/device/id").asText();
    }

    @Test
    void register_printsTheIdAndTheSecretOnce_andCanSaveTheSecretToAFile() throws Exception {
        Path secretFile = home.resolve("gw.secret");
        Result result = cli().run("device", "register", "gw-1", "--serial", "SN-" + UUID.randomUUID(),
                "--model", "RX-100", "--type", "gateway", "--labels", "site=lab,rack=4",
                "--nic", "ethernet,00:1a:2b:3c:4d:5e,192.168.1.10", "--save-secret", secretFile.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).startsWith("registered device ").contains("secret: ").contains("shown only this once");
        String secret = result.out().lines().filter(l -> l.startsWith("secret: ")).findFirst().orElseThrow()
                .substring("secret: ".length());
        assertThat(Files.readString(secretFile).strip()).isEqualTo(secret);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secretFile))).isEqualTo("rw-------");
    }

    @Test
    void registerAsJson_hasStableSnakeCaseFields_andDecimalStringIds() {
        Result result = cli().run("device", "register", "gw-json", "--serial", "SN-" + UUID.randomUUID(),
                "--model", "RX-100", "--labels", "site=lab", "-o", "json");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        JsonNode json = result.json();
        assertThat(json.get("secret").asText()).isNotBlank();
        JsonNode device = json.get("device");
        assertThat(device.get("id").isTextual()).isTrue();
        assertThat(device.get("id").asText()).matches("[1-9][0-9]+");
        assertThat(device.get("state").asText()).isEqualTo("REGISTERED");
        assertThat(device.at("/hardware/model").asText()).isEqualTo("RX-100");
        assertThat(device.at("/labels/site").asText()).isEqualTo("lab");
        assertThat(device.fieldNames()).toIterable().containsExactly("id", "name", "type", "state", "hardware",
                "software_version", "software_updated_at", "network_interfaces", "description", "labels",
                "created_at", "updated_at", "last_seen_at");
        assertThat(device.get("last_seen_at").isNull()).isTrue();
    }

    @Test
    void get_byIdAndByHardware_inEveryFormat() {
        String serial = "SN-" + UUID.randomUUID();
        Result registered = cli().run("device", "register", "gw-get", "--serial", serial, "--model", "RX-7", "-o", "json");
        String id = registered.json().at("/device/id").asText();

        Result table = cli().run("device", "get", id);
        assertThat(table.exitCode()).isZero();
        assertThat(table.out()).contains("id:").contains(id).contains("name:").contains("gw-get")
                .contains("state:").contains("REGISTERED");

        Result byHardware = cli().run("device", "get", "--serial", serial, "--model", "RX-7", "-o", "json");
        assertThat(byHardware.json().get("id").asText()).isEqualTo(id);

        Result yaml = cli().run("device", "get", id, "-o", "yaml");
        assertThat(yaml.exitCode()).isZero();
        assertThat(yaml.out()).contains("id: \"" + id + "\"");
        assertThat(yaml.yaml().at("/hardware/serial").asText()).isEqualTo(serial);
    }

    @Test
    void get_unknownDevice_exits3_withTheServersMessageAndType() {
        Result result = cli().run("device", "get", "123");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(result.out()).isEmpty();
        assertThat(result.err().strip()).isEqualTo("Error: device 123 not found (NOT_FOUND)");
    }

    @Test
    void list_filtersByLabel_andPagesWithCursorOrAll() {
        String site = "site-" + UUID.randomUUID().toString().substring(0, 8);
        String a = register("list-a", "--labels", "site=" + site);
        String b = register("list-b", "--labels", "site=" + site);
        String c = register("list-c", "--labels", "site=" + site);

        Result table = cli().run("device", "list", "--labels", "site=" + site);
        assertThat(table.exitCode()).isZero();
        assertThat(table.lines().getFirst()).startsWith("ID").contains("NAME").contains("STATE").contains("MODEL");
        assertThat(table.lines()).hasSize(4);
        assertThat(table.out()).contains(a).contains(b).contains(c);

        Result firstPage = cli().run("device", "list", "--labels", "site=" + site, "--page-size", "2", "-o", "json");
        JsonNode page = firstPage.json();
        assertThat(page.get("items")).hasSize(2);
        assertThat(page.get("total_count").asLong()).isEqualTo(3);
        String cursor = page.get("next_cursor").asText();
        Result secondPage = cli().run("device", "list", "--labels", "site=" + site, "--page-size", "2",
                "--cursor", cursor, "-o", "json");
        assertThat(secondPage.json().get("items")).hasSize(1);
        assertThat(secondPage.json().get("next_cursor").isNull()).isTrue();

        Result tablePaged = cli().run("device", "list", "--labels", "site=" + site, "--page-size", "2");
        assertThat(tablePaged.err()).contains("--cursor " + cursor);

        Result all = cli().run("device", "list", "--labels", "site=" + site, "--page-size", "1", "--all", "-o", "json");
        assertThat(all.json().get("items")).extracting(item -> item.get("id").asText()).containsExactly(a, b, c);
    }

    @Test
    void list_byStateAndNamePrefix() {
        String prefix = "pfx-" + UUID.randomUUID().toString().substring(0, 6);
        String kept = register(prefix + "-1");
        String disabled = register(prefix + "-2");
        assertThat(cli().run("device", "disable", disabled).exitCode()).isZero();

        Result result = cli().run("device", "list", "--name-prefix", prefix, "--state", "disabled", "-o", "json");

        assertThat(result.json().get("items")).extracting(item -> item.get("id").asText()).containsExactly(disabled);
        assertThat(kept).isNotEqualTo(disabled);
    }

    @Test
    void update_changesOnlyTheGivenFields() {
        String id = register("upd", "--labels", "site=lab", "--type", "gateway");

        Result result = cli().run("device", "update", id, "--software-version", "2.1.0", "--description", "rack 4",
                "-o", "json");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        JsonNode device = result.json();
        assertThat(device.get("software_version").asText()).isEqualTo("2.1.0");
        assertThat(device.get("description").asText()).isEqualTo("rack 4");
        assertThat(device.get("type").asText()).isEqualTo("gateway");
        assertThat(device.at("/labels/site").asText()).isEqualTo("lab");

        Result cleared = cli().run("device", "update", id, "--clear-labels", "-o", "json");
        assertThat(cleared.json().get("labels")).isEmpty();
    }

    @Test
    void lifecycle_disableEnableDelete_withReasonsInTheEvents() {
        String id = register("life");

        Result disabled = cli().run("device", "disable", id, "--reason", "stolen");
        assertThat(disabled.exitCode()).isZero();
        assertThat(disabled.out()).contains("device " + id + " disabled (state DISABLED)");
        assertThat(cli().run("device", "enable", id, "-o", "json").json().get("state").asText()).isEqualTo("REGISTERED");
        assertThat(cli().run("device", "delete", id, "--reason", "replaced", "-o", "json").json().get("state").asText())
                .isEqualTo("DECOMMISSIONED");

        Result events = cli().run("device", "events", id, "-o", "json");
        assertThat(events.exitCode()).isZero();
        assertThat(events.json().get("items")).extracting(e -> e.get("reason").asText()).contains("stolen", "replaced");
        Result table = cli().run("device", "events", id);
        assertThat(table.lines().getFirst()).contains("AT").contains("TYPE").contains("FROM").contains("TO");
        assertThat(table.out()).contains("lifecycle").contains("DECOMMISSIONED");
    }

    @Test
    void rotateSecret_printsANewSecret() {
        String id = register("rot");

        Result result = cli().run("device", "rotate-secret", id, "-o", "json");

        assertThat(result.exitCode()).isZero();
        assertThat(result.json().get("device_id").asText()).isEqualTo(id);
        assertThat(result.json().get("secret").asText()).hasSizeGreaterThanOrEqualTo(12);
    }

    @Test
    void serverSideValidationFailure_exits1_withTheFieldMessage() {
        Result result = cli().run("device", "register", "bad-label", "--serial", "S-" + UUID.randomUUID(),
                "--model", "M", "--labels", "-bad=x");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.err()).startsWith("Error: labels: key '-bad'").endsWith("(INVALID_ARGUMENT)" + System.lineSeparator());
        assertThat(result.err().lines()).hasSize(1);
    }

    static String[] concat(String[] first, String[] second) {
        String[] all = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }
}
