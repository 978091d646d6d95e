package dev.roost.server.northbound.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.server.device.DeviceService;
import dev.roost.server.device.Hardware;
import dev.roost.server.device.NetworkInterface;
import dev.roost.server.device.NewDevice;
import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

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

    private final DeviceService devices;
    private final RestJson json;

    public SeedHttpService(DeviceService devices, RestJson json) {
        this.devices = devices;
        this.json = json;
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
                .get("/device_statusInfo_query/{device_id}", this::notYet)
                .post("/give_order", this::notYet);
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

    private void notYet(ServerRequest request, ServerResponse response) {
        throw new RoostException(ErrorCode.NOT_IMPLEMENTED,
                "this operation needs the southbound device channel, which this server version does not have yet");
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
