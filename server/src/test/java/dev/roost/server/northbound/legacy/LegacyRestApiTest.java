package dev.roost.server.northbound.legacy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.server.support.RestClient.Reply;
import dev.roost.server.support.TestDevice;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/** Every legacy path with the example payloads of the legacy API description, and its error answers. */
@Tag("db")
class LegacyRestApiTest {
    private static final String B = "/service/devices_manage";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    // ---- helpers: legacy callers send Content-Type: application/json on every request ----

    private static Reply call(String method, String path, String body) {
        return call(method, path, body, ADMIN_TOKEN);
    }

    private static Reply call(String method, String path, String body, String token) {
        HttpRequest.Builder request = server.rest().request(B + path, token).header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        return server.rest().send(request);
    }

    private static Reply get(String path) {
        return call("GET", path, null);
    }

    private static void assertSuccess(Reply reply) {
        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
        assertThat(reply.body().get("status").asText()).as(reply.raw()).isEqualTo("success");
    }

    private static void assertEmptySuccess(Reply reply) {
        assertSuccess(reply);
        assertThat(reply.raw()).isEqualTo("{\"status\":\"success\",\"data\":{}}");
    }

    private static void assertFail(Reply reply, int status, String type, String message) {
        assertThat(reply.status()).as(reply.raw()).isEqualTo(status);
        assertThat(reply.raw()).isEqualTo("{\"status\":\"fail\",\"type\":\"" + type + "\",\"message\":\"" + message
                + "\"}");
    }

    private static String sn() {
        return "SN" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    /** The example device of the legacy API description (§3.1), with its own serial. */
    private static String addExampleDevice(String sn) {
        Reply reply = call("POST", "/device_add", """
                {"device_name":"edge-gw-01","device_type":"gateway",
                  "hardware":{"sn":"%s","model":"ModelA"},
                  "software":{"version":"1.0.0","last_update":"2024-11-30"},
                  "nic":[{"type":"ethernet","mac":"00:1A:2B:3C:4D:5E","ipv4":"192.168.1.10"},
                         {"type":"wifi","mac":"00:1A:2B:3C:4D:5F","ipv4":"192.168.1.11"}],
                  "dev_description":"roof gateway","password":"testpassword123"}""".formatted(sn));
        assertSuccess(reply);
        assertThat(reply.data().get("password").asText()).isEqualTo("testpassword123");
        assertThat(reply.data().get("device_id").isTextual()).isTrue();
        return reply.data().get("device_id").asText();
    }

    private static long addGroup(String name) {
        Reply reply = call("POST", "/group_add", "{\"group_name\":\"" + name + "\",\"group_description\":\"lab devices\"}");
        assertSuccess(reply);
        assertThat(reply.data().get("group_id").isIntegralNumber()).as(reply.raw()).isTrue();
        return reply.data().get("group_id").asLong();
    }

    // ---- devices ----

    @Test
    void devicePaths_addModifyQueryDelete_asTheLegacyExamples() {
        String sn = sn();
        String id = addExampleDevice(sn);

        assertEmptySuccess(call("PUT", "/device_basic_modify", """
                {"device_id":"%s","software":{"version":"1.1.0","last_update":"2024-12-02"},
                 "nic":[{"ipv4":"192.168.1.20"}]}""".formatted(id)));

        Reply byId = get("/device_basic_id_query/" + id);
        assertSuccess(byId);
        JsonNode device = byId.data();
        assertThat(device.get("device_id").asText()).isEqualTo(id);
        assertThat(device.get("device_name").asText()).isEqualTo("edge-gw-01");
        assertThat(device.get("device_type").asText()).isEqualTo("gateway");
        assertThat(device.at("/hardware/sn").asText()).isEqualTo(sn);
        assertThat(device.at("/software/version").asText()).isEqualTo("1.1.0");
        assertThat(device.at("/software/last_update").asText()).isEqualTo("2024-12-02");
        assertThat(device.get("nic")).hasSize(2);
        assertThat(device.at("/nic/0/type").asText()).isEqualTo("ethernet");
        assertThat(device.at("/nic/0/ipv4").asText()).isEqualTo("192.168.1.20");
        assertThat(device.at("/nic/1/ipv4").asText()).isEqualTo("192.168.1.11");
        assertThat(device.get("dev_description").asText()).isEqualTo("roof gateway");
        assertThat(device.get("dev_state").asText()).isEqualTo("offline");
        assertThat(device.get("password").isNull()).isTrue();
        assertThat(device.get("created_time").isIntegralNumber()).isTrue();
        assertThat(device.get("updated_time").asLong()).isGreaterThanOrEqualTo(device.get("created_time").asLong());
        assertThat(fieldNames(device)).containsExactly("device_id", "device_name", "device_type", "hardware",
                "software", "nic", "dev_description", "dev_state", "password", "created_time", "updated_time");

        Reply byHardware = get("/device_basic_SnModel_query/" + sn + "/ModelA");
        assertSuccess(byHardware);
        assertThat(byHardware.data()).isEqualTo(device);
        Reply all = get("/device_basic_all_query");
        assertSuccess(all);
        assertThat(all.data().findValuesAsText("device_id")).contains(id);

        assertFail(call("POST", "/device_add", """
                {"device_name":"again","device_type":"gateway","hardware":{"sn":"%s","model":"ModelA"},
                 "software":{"version":"1","last_update":"2024-11-30"},"password":"testpassword123"}""".formatted(sn)),
                409, "DEVICEOP_ERROR", "Device already exists.");

        assertEmptySuccess(call("DELETE", "/device_delete", "{\"device_id\":\"" + id + "\"}"));
        assertFail(get("/device_basic_id_query/" + id), 404, "DEVICEOP_ERROR", "Device NOT FOUND.");
        assertFail(get("/device_basic_SnModel_query/" + sn + "/ModelA"), 404, "DEVICEOP_ERROR", "Device NOT FOUND.");
        assertFail(call("DELETE", "/device_delete", "{\"device_id\":\"" + id + "\"}"), 404, "DEVICEOP_ERROR",
                "Device NOT FOUND");
        assertFail(call("PUT", "/device_basic_modify", "{\"device_id\":\"" + id + "\",\"device_name\":\"x\"}"), 404,
                "DEVICEOP_ERROR", "Device NOT FOUND.");
        assertThat(get("/device_basic_all_query").data().findValuesAsText("device_id")).doesNotContain(id);
    }

    @Test
    void deviceAdd_flatForm_andTypesCoercedAsMySqlDid() {
        String sn = sn();
        Reply added = call("POST", "/device_add", """
                {"device_name":"flat-gw","device_type":"gateway","hardware_sn":"%s","hardware_model":"ModelB",
                 "software_version":2,"software_last_update":"2024/11/30 10:00:00",
                 "nic2_type":"wifi","nic2_ipv4":"10.0.0.2","nic3_type":"ignored","unknown":"ignored",
                 "password":"testpassword123"}""".formatted(sn));
        assertSuccess(added);

        JsonNode device = get("/device_basic_id_query/" + added.data().get("device_id").asText()).data();
        assertThat(device.at("/software/version").asText()).isEqualTo("2");
        assertThat(device.at("/software/last_update").asText()).isEqualTo("2024-11-30");
        assertThat(device.at("/nic/0/type").isNull()).isTrue();
        assertThat(device.at("/nic/1/type").asText()).isEqualTo("wifi");
        assertThat(device.at("/nic/1/mac").isNull()).isTrue();
        assertThat(device.get("dev_description").isNull()).isTrue();
    }

    @Test
    void deviceModify_passwordAndDevState() throws Exception {
        String[] device = server.registerDevice("legacy-modify");
        assertEmptySuccess(call("PUT", "/device_basic_modify",
                "{\"device_id\":\"" + device[0] + "\",\"password\":\"a-new-password-1\",\"dev_state\":\"busy\"}"));
        try (TestDevice link = TestDevice.connect(server.port())) {
            // authenticate fails the test unless the device gets auth_ok
            assertThat(link.authenticate(device[0], "a-new-password-1").isObject()).isTrue();
        }
        assertFail(call("PUT", "/device_basic_modify", "{\"device_id\":\"" + device[0] + "\",\"password\":5}"), 500,
                "INNER_ERROR", "Server Inner Error");
        assertFail(call("PUT", "/device_basic_modify", "{\"device_id\":\"" + device[0] + "\",\"device_name\":null}"),
                400, "GENERAL_ERROR", "Missing required parameters!");
    }

    // ---- groups ----

    @Test
    void groupPaths_addModifyQueryDelete() {
        String name = "lab-" + UUID.randomUUID().toString().substring(0, 8);
        long id = addGroup(name);
        assertFail(call("POST", "/group_add", "{\"group_name\":\"" + name + "\"}"), 409, "GROUPOP_ERROR",
                "Group already exists.");

        assertEmptySuccess(call("PUT", "/group_modify",
                "{\"group_id\":" + id + ",\"group_description\":\"lab and bench devices\"}"));
        assertFail(call("PUT", "/group_modify", "{\"group_id\":" + id + "}"), 400, "GENERAL_ERROR",
                "Missing required parameters!");
        assertFail(call("PUT", "/group_modify", "{\"group_id\":1,\"group_description\":\"x\"}"), 404,
                "GROUPOP_ERROR", "Group NOT FOUND.");

        Reply byId = get("/group_id_query/" + id);
        assertSuccess(byId);
        assertThat(fieldNames(byId.data())).containsExactly("group_id", "group_name", "group_description",
                "created_time", "updated_time");
        assertThat(byId.data().get("group_id").asLong()).isEqualTo(id);
        assertThat(byId.data().get("group_description").asText()).isEqualTo("lab and bench devices");
        assertThat(get("/group_name_query/" + name).data()).isEqualTo(byId.data());
        assertThat(get("/group_all_query").data().findValuesAsText("group_name")).contains(name);
        assertFail(get("/group_id_query/abc"), 500, "INNER_ERROR", "Server Inner Error");
        assertFail(get("/group_id_query/7"), 404, "GROUPOP_ERROR", "Group NOT FOUND.");
        assertFail(get("/group_name_query/no-such-" + name), 404, "GROUPOP_ERROR", "Group NOT FOUND.");

        assertEmptySuccess(call("DELETE", "/group_delete", "{\"group_id\":\"" + id + "\"}"));
        assertFail(call("DELETE", "/group_delete", "{\"group_id\":" + id + "}"), 404, "GROUPOP_ERROR",
                "Group NOT FOUND");
    }

    // ---- relations and compounds ----

    @Test
    void relationPaths_addDeleteMove() {
        String a = addExampleDevice(sn());
        String b = addExampleDevice(sn());
        long lab = addGroup("lab-" + UUID.randomUUID().toString().substring(0, 8));
        long roof = addGroup("roof-" + UUID.randomUUID().toString().substring(0, 8));

        assertEmptySuccess(call("POST", "/relation_add", relation(a, lab)));
        assertFail(call("POST", "/relation_add", relation(a, lab)), 409, "RELATIONOP_ERROR", "Relation already exists");
        assertFail(call("POST", "/relation_add", relation("1", lab)), 404, "DEVICEOP_ERROR", "Device NOT FOUND.");
        assertFail(call("POST", "/relation_add", relation(a, 1)), 404, "GROUPOP_ERROR", "Group NOT FOUND.");

        assertEmptySuccess(call("PUT", "/relation_group_modify",
                "{\"device_id\":\"" + a + "\",\"group_id\":" + lab + ",\"new_group_id\":" + roof + "}"));
        assertThat(groupIdsOf(a)).containsExactly(roof);
        assertFail(call("PUT", "/relation_group_modify",
                "{\"device_id\":\"" + a + "\",\"group_id\":" + lab + ",\"new_group_id\":" + roof + "}"), 404,
                "RELATIONOP_ERROR", "Relation NOT FOUND.");

        assertEmptySuccess(call("PUT", "/relation_device_modify",
                "{\"device_id\":\"" + a + "\",\"group_id\":" + roof + ",\"new_device_id\":\"" + b + "\"}"));
        assertFail(get("/device_query_all_group/" + a), 404, "RELATIONOP_ERROR", "Devices not in any Group.");
        assertThat(groupIdsOf(b)).containsExactly(roof);

        assertEmptySuccess(call("DELETE", "/relation_del", relation(b, roof)));
        assertFail(call("DELETE", "/relation_del", relation(b, roof)), 404, "RELATIONOP_ERROR", "Relation NOT FOUND");
    }

    @Test
    void compoundPaths_groupAndDeviceWide() {
        String a = addExampleDevice(sn());
        String b = addExampleDevice(sn());
        long lab = addGroup("lab-" + UUID.randomUUID().toString().substring(0, 8));
        long other = addGroup("other-" + UUID.randomUUID().toString().substring(0, 8));
        assertFail(call("PUT", "/group_all_devices_modify", "{\"group_id\":" + lab
                + ",\"software\":{\"version\":\"2.0.0\"}}"), 404, "RELATIONOP_ERROR", "No Devices in this Group.");
        assertFail(get("/group_query_all_device/" + lab), 404, "RELATIONOP_ERROR", "No Devices in this Group.");
        for (String device : new String[] {a, b}) {
            assertEmptySuccess(call("POST", "/relation_add", relation(device, lab)));
        }
        assertEmptySuccess(call("POST", "/relation_add", relation(a, other)));

        assertEmptySuccess(call("PUT", "/group_all_devices_modify",
                "{\"group_id\":" + lab + ",\"software\":{\"version\":\"2.0.0\",\"last_update\":\"2024-12-05\"}}"));
        Reply members = get("/group_query_all_device/" + lab);
        assertSuccess(members);
        assertThat(members.data().findValuesAsText("device_id")).containsExactlyInAnyOrder(a, b);
        assertThat(members.data().findValuesAsText("last_update")).containsOnly("2024-12-05");
        assertThat(members.data().findValuesAsText("version")).containsOnly("2.0.0");
        assertThat(groupIdsOf(a)).containsExactlyInAnyOrder(lab, other);
        assertFail(get("/group_query_all_device/x1"), 500, "INNER_ERROR", "Server Inner Error");
        assertFail(get("/group_query_all_device/9"), 404, "GROUPOP_ERROR", "Group NOT FOUND");
        assertFail(get("/device_query_all_group/42"), 404, "DEVICEOP_ERROR", "Device NOT FOUND");

        assertEmptySuccess(call("DELETE", "/delete_device_all_relation", "{\"device_id\":\"" + a + "\"}"));
        assertFail(call("DELETE", "/delete_device_all_relation", "{\"device_id\":\"" + a + "\"}"), 404,
                "RELATIONOP_ERROR", "Devices not in any Group.");
        assertEmptySuccess(call("DELETE", "/delete_group_all_relation", "{\"group_id\":" + lab + "}"));
        assertFail(call("DELETE", "/delete_group_all_relation", "{\"group_id\":" + lab + "}"), 404,
                "RELATIONOP_ERROR", "No Devices in this Group.");
        assertSuccess(get("/device_basic_id_query/" + b));

        assertEmptySuccess(call("POST", "/relation_add", relation(a, lab)));
        assertEmptySuccess(call("POST", "/relation_add", relation(a, other)));
        assertEmptySuccess(call("DELETE", "/delete_group_all_device", "{\"group_id\":" + lab + "}"));
        assertFail(get("/device_basic_id_query/" + a), 404, "DEVICEOP_ERROR", "Device NOT FOUND.");
        assertFail(get("/group_query_all_device/" + other), 404, "RELATIONOP_ERROR", "No Devices in this Group.");
        assertSuccess(get("/group_id_query/" + lab));
        assertFail(call("DELETE", "/delete_group_all_device", "{\"group_id\":" + lab + "}"), 404,
                "RELATIONOP_ERROR", "No Devices in this Group.");
    }

    // ---- status and orders ----

    @Test
    void statusAndOrders_failAsTheLegacySystemDid_withHttp200() {
        String id = addExampleDevice(sn());
        Reply status = server.rest().send(server.rest().request(B + "/device_statusInfo_query/" + id, ADMIN_TOKEN)
                .GET());
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.raw()).isEqualTo("{\"status\":\"fail\",\"message\":\"wrong device_id OR offline device.\"}");
        assertThat(get("/device_statusInfo_query/1").raw()).contains("wrong device_id OR offline device.");

        assertThat(call("POST", "/give_order", "{\"device_id\":\"" + id + "\",\"order\":\"restart\"}").raw())
                .isEqualTo("{\"status\":\"fail\",\"message\":\"Device is offline!\"}");
        assertThat(call("POST", "/give_order", "{\"device_id\":\"" + id + "\",\"order\":7}").raw())
                .isEqualTo("{\"status\":\"fail\",\"message\":\"order must be string.\"}");
        assertThat(call("POST", "/give_order", "{\"device_id\":\"" + id + "\",\"order\":\"test_order\"}").raw())
                .isEqualTo("{\"status\":\"fail\",\"message\":\"invalid JSON.\"}");
        assertFail(call("POST", "/give_order", "{\"device_id\":\"" + id + "\"}"), 400, "GENERAL_ERROR",
                "Missing required parameters!");
    }

    @Test
    void statusQuery_showsTheReportInTheLegacyShape() {
        String[] device = server.registerDevice("legacy-status-shape");
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            link.send("status", "{\"mode\":\"snapshot\",\"state\":{\"memory\":{\"total_bytes\":1754267648,"
                    + "\"free_bytes\":95420416,\"buff_cache_bytes\":270532608},\"disks\":[{\"mount\":\"/\","
                    + "\"total_bytes\":41882124288,\"free_bytes\":30862319616}]}}");
            link.next("status_ack");
            Reply reply = get("/device_statusInfo_query/" + device[0]);
            assertSuccess(reply);
            assertThat(reply.data().get("device_id").asText()).isEqualTo(device[0]);
            assertThat(reply.data().at("/Memory_info/total_memory_mb").asLong()).isEqualTo(1673);
            assertThat(reply.data().at("/Memory_info/free_memory_mb").asLong()).isEqualTo(91);
            assertThat(reply.data().at("/Memory_info/buff_cache_mb").asLong()).isEqualTo(258);
            assertThat(reply.data().at("/Disk_info/root_total_size_mb").asLong()).isEqualTo(39942);
            assertThat(reply.data().at("/Disk_info/root_used_size_mb").asLong()).isEqualTo(10509);
            assertThat(reply.data().at("/Disk_info/root_used_percent").asDouble()).isEqualTo(26.3);
            assertThat(reply.data().at("/CPU_info/user_cpu_time").isNull()).isTrue();
            assertThat(reply.data().get("dev_state").asText()).isEqualTo("online");
        }
    }

    @Test
    void giveOrder_passesTheDevicesFailureMessage_andRefusesASecondOrderWhileOneRuns() {
        String[] device = server.registerDevice("legacy-order");
        try (TestDevice link = TestDevice.connect(server.port())) {
            link.authenticate(device[0], device[1]);
            CompletableFuture<Reply> order = CompletableFuture.supplyAsync(() -> call("POST", "/give_order",
                    "{\"device_id\":\"" + device[0] + "\",\"order\":\"test_order\",\"params\":{\"SomethingToPrint\":\"hi\"}}"));
            JsonNode command = link.next("command");
            assertThat(command.at("/body/name").asText()).isEqualTo("test_order");
            assertThat(command.at("/body/params/SomethingToPrint").asText()).isEqualTo("hi");
            assertThat(call("POST", "/give_order", "{\"device_id\":\"" + device[0] + "\",\"order\":\"upload_log\"}")
                    .raw()).isEqualTo("{\"status\":\"fail\",\"message\":\"Device busy!\"}");
            link.answer(command, "failed", "{}");
            assertThat(order.join().raw()).isEqualTo("{\"status\":\"fail\",\"message\":\"done\"}");
        }
    }

    // ---- the request checks every legacy path shares ----

    @Test
    void badRequests_getTheLegacyErrorAnswers_neverAStackTrace() {
        Reply noType = server.rest().send(server.rest().request(B + "/group_add", ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"group_name\":\"x\"}")));
        assertFail(noType, 400, "GENERAL_ERROR", "Content-Type must be application/json");
        Reply malformed = call("POST", "/group_add", "{\"group_name\":");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.raw()).isEqualTo(
                "{\"description\":\"Bad Request\",\"status\":400,\"message\":\"Failed when parsing body as json\"}");
        assertFail(call("POST", "/group_add", ""), 400, "GENERAL_ERROR", "please provide legal json!");
        assertFail(call("POST", "/group_add", "null"), 400, "GENERAL_ERROR", "please provide legal json!");
        Reply array = call("POST", "/group_add", "[{\"group_name\":\"x\"}]");
        assertThat(array.status()).isEqualTo(500);
        assertThat(array.raw()).isEqualTo("{\"description\":\"Internal Server Error\",\"status\":500,\"message\":"
                + "\"The server encountered an internal error and cannot complete your request.\"}");
        assertFail(call("POST", "/device_add", "{\"device_name\":\"x\"}"), 400, "GENERAL_ERROR",
                "Missing required parameters!");

        String full = """
                {"device_name":"x","device_type":"t","hardware_sn":"%s","hardware_model":"M","software_version":"1",
                 "software_last_update":"%s","password":%s}""";
        assertFail(call("POST", "/device_add", full.formatted(sn(), "2024-11-30", "123456789012345")), 400,
                "GENERAL_ERROR", "password shoule be string!");
        assertFail(call("POST", "/device_add", full.formatted(sn(), "2024-13-45", "\"testpassword123\"")), 500,
                "DATABASE_ERROR", "Maybe JSON parameter type incorrect(please check) or DataBase Inner Error");
        Reply shortPassword = call("POST", "/device_add", full.formatted(sn(), "2024-11-30", "\"short\""));
        assertThat(shortPassword.status()).isEqualTo(400);
        assertThat(shortPassword.type()).isEqualTo("GENERAL_ERROR");
        assertThat(shortPassword.message()).startsWith("password").contains("12..72");

        Reply unknown = get("/no_such_operation");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.raw()).isEqualTo("{\"description\":\"Not Found\",\"status\":404,\"message\":"
                + "\"Requested URL /service/devices_manage/no_such_operation not found\"}");
        Reply wrongMethod = get("/device_add");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.raw()).isEqualTo("{\"description\":\"Method Not Allowed\",\"status\":405,\"message\":"
                + "\"Method GET not allowed for URL /service/devices_manage/device_add\"}");
    }

    @Test
    void legacyPaths_needABearerToken_byDefault() {
        Reply reply = call("GET", "/group_all_query", null, null);
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.type()).isEqualTo("UNAUTHENTICATED");
    }

    private static java.util.List<Long> groupIdsOf(String device) {
        Reply reply = get("/device_query_all_group/" + device);
        assertSuccess(reply);
        return reply.data().findValues("group_id").stream().map(JsonNode::asLong).toList();
    }

    private static String relation(String device, long group) {
        return "{\"device_id\":\"" + device + "\",\"group_id\":" + group + "}";
    }

    private static java.util.List<String> fieldNames(JsonNode node) {
        java.util.List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

}
