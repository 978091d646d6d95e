package dev.roost.server.southbound;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.server.support.Await;
import dev.roost.server.support.RestClient.Reply;
import dev.roost.server.support.TestDatabase;
import dev.roost.server.support.TestDevice;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/** Status snapshots, merge-patch diffs, version gaps and persistence. */
@Tag("db")
class StatusSyncTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("status.flush-interval", "PT0.2S", "status.history-interval", "PT0S"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static final String SNAPSHOT = "{\"mode\":\"snapshot\",\"state\":{\"cpu\":{\"usage_pct\":10.5,\"load_1\":0.2},"
            + "\"memory\":{\"total_bytes\":1000,\"free_bytes\":400},\"uptime_s\":60,\"boot_id\":\"boot-a\"}}";

    @Test
    void snapshotThenDiff_areAckedWithVersions_andMerged() {
        String[] device = server.registerDevice("status");
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            String snapshotId = link.send("status", SNAPSHOT);
            JsonNode ack = link.next("status_ack");
            assertThat(ack.get("reply_to").asText()).isEqualTo(snapshotId);
            long first = ack.at("/body/version").asLong();
            assertThat(first).isPositive();

            link.send("status", "{\"mode\":\"diff\",\"base_version\":" + first + ",\"state\":{\"cpu\":"
                    + "{\"usage_pct\":55.0},\"memory\":null,\"uptime_s\":120}}");
            long second = link.next("status_ack").at("/body/version").asLong();
            assertThat(second).isGreaterThan(first);

            Reply status = server.rest().get("/api/v1/devices/" + device[0] + "/status", ADMIN_TOKEN);
            assertThat(status.status()).isEqualTo(200);
            JsonNode data = status.data();
            assertThat(data.get("online").asBoolean()).isTrue();
            assertThat(data.get("reported_version").asLong()).isEqualTo(second);
            assertThat(data.at("/reported/cpu/usage_pct").asDouble()).isEqualTo(55.0);
            assertThat(data.at("/reported/cpu/load_1").asDouble()).isEqualTo(0.2);
            assertThat(data.get("reported").has("memory")).isFalse();
            assertThat(data.at("/reported/uptime_s").asLong()).isEqualTo(120);
        }
    }

    @Test
    void diffAgainstAWrongVersion_asksForResync_andStoresNothing() {
        String[] device = server.registerDevice("gap");
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            link.send("status", "{\"mode\":\"diff\",\"base_version\":3,\"state\":{\"uptime_s\":1}}");
            JsonNode resync = link.next("resync_required");
            assertThat(resync.at("/body/reported_version").asLong()).isZero();

            link.send("status", SNAPSHOT);
            long acked = link.next("status_ack").at("/body/version").asLong();
            link.send("status", "{\"mode\":\"diff\",\"base_version\":" + (acked - 1)
                    + ",\"state\":{\"uptime_s\":999}}");
            assertThat(link.next("resync_required").at("/body/reported_version").asLong()).isEqualTo(acked);
            JsonNode data = server.rest().get("/api/v1/devices/" + device[0] + "/status", ADMIN_TOKEN).data();
            assertThat(data.get("reported_version").asLong()).isEqualTo(acked);
            assertThat(data.at("/reported/uptime_s").asLong()).isEqualTo(60);
        }
    }

    @Test
    void reportedState_isPersisted_andSurvivesARestart_withHistory() {
        try (TestDatabase database = TestDatabase.create()) {
            String[] device;
            long acked;
            try (TestServer first = TestServer.start(database, Map.of("status.flush-interval", "PT0.1S",
                    "status.history-interval", "PT0S"))) {
                device = first.registerDevice("persisted");
                try (TestDevice link = TestDevice.connect(first.port())) {
                    link.authenticate(device[0], device[1]);
                    link.send("status", SNAPSHOT);
                    long snapshot = link.next("status_ack").at("/body/version").asLong();
                    link.send("status", "{\"mode\":\"diff\",\"base_version\":" + snapshot
                            + ",\"state\":{\"uptime_s\":61}}");
                    acked = link.next("status_ack").at("/body/version").asLong();
                }
                Await.until("history has two samples", () -> first.rest().get("/api/v1/devices/" + device[0]
                        + "/status/history", ADMIN_TOKEN).data().get("total_count").asLong() == 2);
            }
            try (TestServer second = TestServer.start(database, Map.of());
                 TestDevice link = TestDevice.connect(second.port())) {
                JsonNode ok = link.authenticate(device[0], device[1]);
                assertThat(ok.get("reported_version").asLong()).isEqualTo(acked);
                link.send("status", "{\"mode\":\"diff\",\"base_version\":" + acked
                        + ",\"state\":{\"uptime_s\":62}}");
                assertThat(link.next("status_ack").at("/body/version").asLong()).isGreaterThan(acked);
                JsonNode history = second.rest().get("/api/v1/devices/" + device[0] + "/status/history",
                        ADMIN_TOKEN).data();
                assertThat(history.get("total_count").asLong()).isEqualTo(3);
                assertThat(history.get("items").get(0).at("/reported/uptime_s").asLong()).isEqualTo(62);
                assertThat(history.get("items").get(1).at("/reported/uptime_s").asLong()).isEqualTo(61);
                assertThat(history.get("items").get(1).get("reported_version").asLong()).isEqualTo(acked);
            }
        }
    }

    @Test
    void legacyStatusQuery_returnsTheLatestStatusAndOnlineState() {
        String[] device = server.registerDevice("legacy-status");
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            link.send("status", SNAPSHOT);
            link.next("status_ack");
            Reply reply = server.rest().get("/service/devices_manage/device_statusInfo_query/" + device[0], ADMIN_TOKEN);
            assertThat(reply.body().get("status").asText()).isEqualTo("success");
            assertThat(reply.data().get("online").asBoolean()).isTrue();
            assertThat(reply.data().at("/reported/boot_id").asText()).isEqualTo("boot-a");
            assertThat(reply.data().get("dev_state").asText()).isEqualTo("online");
        }
        // The legacy answer for a device that is not connected: HTTP 200, status "fail", no data.
        Await.until("offline after close", () -> server.rest().get("/service/devices_manage/device_statusInfo_query/"
                + device[0], ADMIN_TOKEN).message().equals("wrong device_id OR offline device."));
    }
}
