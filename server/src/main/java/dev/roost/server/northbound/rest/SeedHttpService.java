package dev.roost.server.northbound.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.server.command.Command;
import dev.roost.server.command.CommandService;
import dev.roost.server.command.CommandState;
import dev.roost.server.command.NewCommand;
import dev.roost.server.common.DeviceId;
import dev.roost.server.device.DeviceService;
import dev.roost.server.security.Caller;
import dev.roost.server.status.StatusService;
import dev.roost.server.device.Hardware;
import dev.roost.server.device.NetworkInterface;
import dev.roost.server.device.NewDevice;
import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The seed's documented paths under /service/devices_manage, kept as aliases of the /api/v1
 * operations with the seed's payloads.
 */
public final class SeedHttpService implements HttpService {
    private static final DateTimeFormatter SEED_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** How long give_order waits for the device's result. */
    static final Duration ORDER_WAIT = Duration.ofSeconds(30);

    private final DeviceService devices;
    private final StatusService status;
    private final CommandService commands;
    private final RestJson json;

    public SeedHttpService(DeviceService devices, StatusService status, CommandService commands, RestJson json) {
        this.devices = devices;
        this.status = status;
        this.commands = commands;
        this.json = json;
    }

    /** The seed's give_order payload; {@code order} "restart" is Roost's "reboot". */
    record GiveOrder(String deviceId, String order, ObjectNode params) {
    }

    /** The seed's hardware object. */
    record SeedHardware(String sn, String model) {
    }

    /** The seed's device_add payload. */
    record DeviceAdd(String deviceName,
                     String deviceType,
                     SeedHardware hardware,
                     String hardwareSn,
                     String hardwareModel,
                     String softwareVersion,
                     JsonNode softwareLastUpdate,
                     List<NetworkInterface> nic,
                     String devDescription,
                     String password) {
    }

    record Added(String deviceId, String password) {
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/device_add", this::deviceAdd)
                .get("/device_statusInfo_query/{device_id}", this::statusInfo)
                .post("/give_order", this::giveOrder);
    }

    private void deviceAdd(ServerRequest request, ServerResponse response) {
        DeviceAdd body = json.body(request, DeviceAdd.class);
        Hardware hardware = body.hardware() != null
                ? new Hardware(body.hardware().sn(), body.hardware().model())
                : new Hardware(body.hardwareSn(), body.hardwareModel());
        NewDevice device = new NewDevice(body.deviceName(), body.deviceType(), hardware, body.softwareVersion(),
                lastUpdate(body.softwareLastUpdate()), body.nic(), body.devDescription(), Map.of(),
                Optional.ofNullable(body.password()));
        DeviceService.Registration registration = devices.register(RestAuthFilter.caller(request), device);
        json.ok(response, new Added(registration.device().id().toString(), registration.secret()));
    }

    private void statusInfo(ServerRequest request, ServerResponse response) {
        json.ok(response, status.get(RestAuthFilter.caller(request),
                DeviceId.parse("device_id", request.path().pathParameters().get("device_id"))));
    }

    /** Sends the order as a command and waits for its result (seed semantics), at most 30 s. */
    private void giveOrder(ServerRequest request, ServerResponse response) {
        GiveOrder body = json.body(request, GiveOrder.class);
        String order = body.order() == null ? "" : body.order().trim();
        if (order.isEmpty()) {
            throw RoostException.invalid("order", "is required");
        }
        String name = order.equals("restart") ? Command.REBOOT : order;
        Caller caller = RestAuthFilter.caller(request);
        Command sent = commands.send(caller, DeviceId.parse("device_id", body.deviceId()),
                new NewCommand(name, body.params(), Optional.empty(), Optional.empty(), Optional.empty()));
        Command done = commands.get(caller, sent.id(), ORDER_WAIT);
        if (done.state() == CommandState.TIMED_OUT || !done.state().isFinal()) {
            throw new RoostException(ErrorCode.DEADLINE_EXCEEDED, "order " + done.id() + " got no result in time; "
                    + "its state is " + done.state() + " (GET /api/v1/commands/" + done.id() + ")");
        }
        json.ok(response, done);
    }

    /** Accepts epoch milliseconds, an ISO-8601 instant or the seed's "yyyy-MM-dd HH:mm:ss" (UTC). */
    private static Optional<Instant> lastUpdate(JsonNode value) {
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (value.isIntegralNumber()) {
            return Optional.of(Instant.ofEpochMilli(value.asLong()));
        }
        if (value.isTextual() && !value.asText().isBlank()) {
            String text = value.asText().trim();
            try {
                return Optional.of(Instant.parse(text));
            } catch (DateTimeParseException notIso) {
                try {
                    return Optional.of(LocalDateTime.parse(text, SEED_TIME).toInstant(ZoneOffset.UTC));
                } catch (DateTimeParseException e) {
                    throw RoostException.invalid("software_last_update",
                            "must be epoch milliseconds, ISO-8601 or yyyy-MM-dd HH:mm:ss, was '" + text + "'");
                }
            }
        }
        throw RoostException.invalid("software_last_update", "must be a number or a string");
    }
}
