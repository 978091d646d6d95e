package dev.roost.server.northbound.legacy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.server.command.CommandService;
import dev.roost.server.device.DeviceService;
import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
import dev.roost.server.group.GroupService;
import dev.roost.server.security.Caller;
import dev.roost.server.status.StatusService;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The legacy system's 24 REST paths (register under {@code /service/devices_manage}). Every answer,
 * success or failure, is written here in the legacy shapes; a failure never reaches the
 * {@code /api/v1} error handler, and an unexpected exception is logged once and answered with the
 * legacy {@code INNER_ERROR} (no stack trace leaves the server).
 */
public final class LegacyRestService implements HttpService {
    private static final System.Logger LOG = System.getLogger(LegacyRestService.class.getName());

    /** One legacy operation: returns the {@code data} of the success envelope. */
    @FunctionalInterface
    interface Operation {
        JsonNode run(ServerRequest request, Caller caller);
    }

    private final ObjectMapper json;
    private final LegacyDeviceOperations devices;
    private final LegacyGroupOperations groups;
    private final LegacyOrderOperations orders;

    public LegacyRestService(DeviceService devices, GroupService groups, StatusService status,
                             CommandService commands, ObjectMapper json, int maxBodyBytes, Clock clock) {
        this.json = json;
        this.devices = new LegacyDeviceOperations(devices, status, json, maxBodyBytes);
        this.groups = new LegacyGroupOperations(groups, devices, json, maxBodyBytes);
        this.orders = new LegacyOrderOperations(commands, status, json, maxBodyBytes, clock);
    }

    @Override
    public void routing(HttpRules rules) {
        Map<String, Route> routes = new LinkedHashMap<>();
        routes.put("/device_add", new Route(Method.POST, devices::add));
        routes.put("/device_basic_modify", new Route(Method.PUT, devices::modify));
        routes.put("/device_basic_id_query/{device_id}", new Route(Method.GET, devices::byId));
        routes.put("/device_basic_SnModel_query/{device_sn}/{device_model}", new Route(Method.GET, devices::byHardware));
        routes.put("/device_basic_all_query", new Route(Method.GET, devices::all));
        routes.put("/device_delete", new Route(Method.DELETE, devices::delete));
        routes.put("/group_add", new Route(Method.POST, groups::add));
        routes.put("/group_modify", new Route(Method.PUT, groups::modify));
        routes.put("/group_id_query/{group_id}", new Route(Method.GET, groups::byId));
        routes.put("/group_name_query/{group_name}", new Route(Method.GET, groups::byName));
        routes.put("/group_all_query", new Route(Method.GET, groups::all));
        routes.put("/group_delete", new Route(Method.DELETE, groups::delete));
        routes.put("/relation_add", new Route(Method.POST, groups::relationAdd));
        routes.put("/relation_del", new Route(Method.DELETE, groups::relationDelete));
        routes.put("/relation_group_modify", new Route(Method.PUT, groups::relationMoveToGroup));
        routes.put("/relation_device_modify", new Route(Method.PUT, groups::relationReplaceDevice));
        routes.put("/group_all_devices_modify", new Route(Method.PUT, groups::modifyAllDevices));
        routes.put("/device_query_all_group/{device_id}", new Route(Method.GET, groups::groupsOfDevice));
        routes.put("/group_query_all_device/{group_id}", new Route(Method.GET, groups::devicesOfGroup));
        routes.put("/delete_device_all_relation", new Route(Method.DELETE, groups::removeDeviceFromAll));
        routes.put("/delete_group_all_relation", new Route(Method.DELETE, groups::emptyGroup));
        routes.put("/delete_group_all_device", new Route(Method.DELETE, groups::deleteDevicesOfGroup));
        routes.put("/device_statusInfo_query/{device_id}", new Route(Method.GET, devices::status));
        routes.put("/give_order", new Route(Method.POST, orders::giveOrder));
        routes.forEach((path, route) -> rules.route(route.method(), path, (req, res) -> answer(req, res, route.operation())));
        // What the legacy web framework answered for a known path with another method, or an unknown path.
        routes.forEach((path, route) -> rules.any(path, (req, res) -> write(res, LegacyFailure.framework(405,
                "Method Not Allowed", "Method " + req.prologue().method().text() + " not allowed for URL "
                        + req.path().absolute().path()))));
        rules.any("/*", (req, res) -> write(res, notFound(req)));
        rules.any((req, res) -> write(res, notFound(req)));
    }

    /** The number of legacy paths served; the legacy system had 24. */
    static final int PATHS = 24;

    private record Route(Method method, Operation operation) {
    }

    private static LegacyFailure notFound(ServerRequest request) {
        return LegacyFailure.framework(404, "Not Found", "Requested URL " + request.path().absolute().path() + " not found");
    }

    private void answer(ServerRequest request, ServerResponse response, Operation operation) {
        try {
            Caller caller = request.context().get(Caller.class, Caller.class)
                    .orElseThrow(() -> new IllegalStateException("legacy request was not authenticated"));
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("status", "success");
            body.set("data", operation.run(request, caller));
            send(response, 200, body);
        } catch (LegacyFailure failure) {
            write(response, failure);
        } catch (RoostException e) {
            write(response, translate(e));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "legacy " + request.prologue().method().text() + " "
                    + request.path().path() + " failed", e);
            write(response, LegacyFailure.inner());
        }
    }

    /**
     * A Roost failure the operation did not turn into a legacy one itself: Roost's stricter checks
     * answer as the legacy system's own refusals do (400 {@code GENERAL_ERROR}) with Roost's
     * precise message; failures the legacy system never had (roles, rate limits) keep Roost's code
     * as the {@code type}, in the same envelope.
     */
    static LegacyFailure translate(RoostException e) {
        if (e.code() == ErrorCode.INVALID_ARGUMENT) {
            return LegacyFailure.of(400, LegacyFailure.GENERAL_ERROR, e.getMessage());
        }
        return LegacyFailure.of(e.code().httpStatus(), e.code().name(), e.getMessage());
    }

    private void write(ServerResponse response, LegacyFailure failure) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        switch (failure.shape()) {
            case APPLICATION -> {
                body.put("status", "fail");
                body.put("type", failure.type());
                body.put("message", failure.getMessage());
            }
            case UNTYPED -> {
                body.put("status", "fail");
                body.put("message", failure.getMessage());
            }
            case FRAMEWORK -> {
                body.put("description", failure.type());
                body.put("status", failure.status());
                body.put("message", failure.getMessage());
            }
        }
        send(response, failure.status(), body);
    }

    private void send(ServerResponse response, int status, JsonNode body) {
        try {
            byte[] bytes = json.writeValueAsBytes(body);
            response.status(Status.create(status));
            response.header(HeaderNames.CONTENT_TYPE, "application/json");
            response.send(bytes);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a legacy answer", e);
        }
    }
}
