package dev.roost.server.legacyimport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.server.support.RestClient.Reply;
import dev.roost.server.support.TestDatabase;
import dev.roost.server.support.TestDevice;
import dev.roost.server.support.TestServer;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * import-legacy against the legacy schema (legacy-schema.sql) in a fresh database of its own: on the
 * MariaDB named by {@code roost.test.mariadb} when set, else on H2 in MySQL mode.
 */
@Tag("db")
class LegacyImportTest {
    /** From the legacy API description: Python bcrypt, cost 12, of "testpassword123". */
    private static final String HASH_2B = "$2b$12$smbt4kVMU/3TRD1fTC1wgugi2/ajrUpO6iD1DzBXQtf.e1BgUD5Ta";
    private static final String A = "7268896604160004096";
    private static final String B = "7268896610594066432";

    private String legacyUrl;
    private String legacyName;
    private TestDatabase roost;

    @BeforeEach
    void createLegacyDatabase() throws Exception {
        legacyName = "legacy_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        if (TestDatabase.onMariaDb()) {
            String server = System.getProperty(TestDatabase.MARIADB_PROPERTY);
            execute(server, "CREATE DATABASE " + legacyName + " CHARACTER SET utf8mb4");
            int query = server.indexOf('?');
            String base = query < 0 ? server : server.substring(0, query);
            legacyUrl = (base.endsWith("/") ? base : base + "/") + legacyName + (query < 0 ? "" : server.substring(query));
        } else {
            legacyUrl = "jdbc:h2:mem:" + legacyName + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
        }
        String schema;
        try (InputStream in = getClass().getResourceAsStream("/legacy/legacy-schema.sql")) {
            schema = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        StringBuilder ddl = new StringBuilder();
        for (String line : schema.split("\n")) {
            if (!line.startsWith("--")) {
                ddl.append(line).append('\n');
            }
        }
        for (String statement : ddl.toString().split(";")) {
            if (!statement.isBlank()) {
                execute(legacyUrl, statement);
            }
        }
        String hashB = OpenBSDBCrypt.generate("2b", "other-password-1".toCharArray(), new byte[16], 4);
        execute(legacyUrl, """
                INSERT INTO devices VALUES
                ('%s', 'edge-gw-01', 'gateway', 'SN123456789', 'ModelA', '1.0.0', '2024-11-30',
                 'ethernet', '00:1A:2B:3C:4D:5E', '192.168.1.10', 'wifi', '00:1A:2B:3C:4D:5F', '192.168.1.11',
                 'roof gateway', 'online', '%s', 1733040000123, 1733126400789),
                ('%s', 'edge-gw-02', 'sensor', 'SN2', 'ModelB', '0.9', '2024-10-01',
                 NULL, NULL, NULL, 'wifi', NULL, '10.0.0.2', NULL, 'offline', '%s', 1733040000200, 1733040000200),
                ('abc', 'bad-id', 'x', 'SN3', 'ModelB', '1', '2024-10-01',
                 NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'offline', '%s', 1, 1),
                ('7268896610594066999', 'bad-mac', 'x', 'SN4', 'ModelB', '1', '2024-10-01',
                 'eth', 'not-a-mac', NULL, NULL, NULL, NULL, NULL, 'offline', '%s', 1, 1)
                """.formatted(A, HASH_2B, B, hashB, HASH_2B, HASH_2B));
        execute(legacyUrl, "INSERT INTO group_info (group_id, group_name, group_description, created_time, updated_time) "
                + "VALUES (1, 'lab', 'lab devices', 1733040100456, 1733040200001), (2, 'roof', NULL, 1733040100500, 1733040100500)");
        execute(legacyUrl, "INSERT INTO relations (device_id, group_id) VALUES ('" + A + "', 1), ('" + B + "', 1), ('"
                + A + "', 2), ('abc', 1), ('" + A + "', 99)");
        roost = TestDatabase.create();
    }

    @AfterEach
    void dropDatabases() throws Exception {
        roost.close();
        if (TestDatabase.onMariaDb()) {
            execute(System.getProperty(TestDatabase.MARIADB_PROPERTY), "DROP DATABASE IF EXISTS " + legacyName);
        } else {
            execute(legacyUrl, "SHUTDOWN");
        }
    }

    @Test
    void import_keepsIdsAndHashes_isIdempotent_andDevicesLogInWithTheirPasswords() throws Exception {
        String first = importLegacy();
        assertThat(first).contains("devices    imported 2, updated 0, unchanged 0, skipped 2",
                "groups     imported 2, updated 0, unchanged 0, skipped 0",
                "relations  imported 3, updated 0, unchanged 0, skipped 2",
                "skipped devices abc: device_id is not a positive 64-bit number",
                "skipped devices 7268896610594066999: nic[0].mac: must be a MAC address",
                "skipped relations " + A + " in group 99: group 99 is not in Roost");

        assertThat(importLegacy()).contains("devices    imported 0, updated 0, unchanged 2, skipped 2",
                "groups     imported 0, updated 0, unchanged 2, skipped 0",
                "relations  imported 0, updated 0, unchanged 3, skipped 2");

        execute(legacyUrl, "UPDATE devices SET device_name = 'renamed' WHERE device_id = '" + B + "'");
        execute(legacyUrl, "UPDATE group_info SET group_description = 'changed' WHERE group_id = 2");
        assertThat(importLegacy()).contains("devices    imported 0, updated 1, unchanged 1, skipped 2",
                "groups     imported 0, updated 1, unchanged 1, skipped 0");

        try (TestServer server = TestServer.start(roost, Map.of())) {
            JsonNode a = legacyGet(server, "/device_basic_id_query/" + A).data();
            assertThat(a.get("device_id").asText()).isEqualTo(A);
            assertThat(a.at("/software/last_update").asText()).isEqualTo("2024-11-30");
            assertThat(a.at("/nic/1/ipv4").asText()).isEqualTo("192.168.1.11");
            assertThat(a.get("created_time").asLong()).isEqualTo(1733040000123L);
            assertThat(a.get("updated_time").asLong()).isEqualTo(1733126400789L);
            JsonNode b = legacyGet(server, "/device_basic_id_query/" + B).data();
            assertThat(b.get("device_name").asText()).isEqualTo("renamed");
            assertThat(b.at("/nic/0/type").isNull()).isTrue();
            assertThat(b.at("/nic/1/ipv4").asText()).isEqualTo("10.0.0.2");
            assertThat(legacyGet(server, "/group_id_query/1").data().get("group_name").asText()).isEqualTo("lab");
            assertThat(legacyGet(server, "/device_query_all_group/" + A).data().findValuesAsText("group_name"))
                    .containsExactlyInAnyOrder("lab", "roof");
            try (TestDevice link = TestDevice.connect(server.port())) {
                // authenticate fails the test unless the $2b$ hash from the legacy database verifies
                assertThat(link.authenticate(A, "testpassword123").isObject()).isTrue();
            }
            try (TestDevice link = TestDevice.connect(server.port())) {
                assertThat(link.authenticate(B, "other-password-1").isObject()).isTrue();
            }
        }
    }

    @Test
    void badArguments_exitWith2_andAnUnreachableLegacyDatabaseWith1() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertThat(LegacyImportCommand.run(new String[] {"--from-user", "root"}, roost.settings(), 0, System.out,
                errStream)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--from <jdbc-url> is required");
        assertThat(LegacyImportCommand.run(new String[] {"--from", "jdbc:mariadb://127.0.0.1:1/none"},
                roost.settings(), 0, System.out, errStream)).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("import-legacy failed");
    }

    private String importLegacy() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = LegacyImportCommand.run(new String[] {"--from", legacyUrl}, roost.settings(), 0,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Reply legacyGet(TestServer server, String path) {
        Reply reply = server.rest().send(server.rest().request("/service/devices_manage" + path,
                TestServer.ADMIN_TOKEN).header("Content-Type", "application/json").GET());
        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
        return reply;
    }

    private static void execute(String url, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

}
