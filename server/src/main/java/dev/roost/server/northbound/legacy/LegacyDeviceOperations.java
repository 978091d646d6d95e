package dev.roost.server.northbound.legacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.DeviceState;
import dev.roost.server.common.Page;
import dev.roost.server.common.PageRequest;
import dev.roost.server.common.Validation;
import dev.roost.server.device.Device;
import dev.roost.server.device.DeviceFilter;
import dev.roost.server.device.DeviceService;
import dev.roost.server.device.DeviceUpdate;
import dev.roost.server.device.Hardware;
import dev.roost.server.device.NetworkInterface;
import dev.roost.server.device.NewDevice;
import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
import dev.roost.server.security.Caller;
import dev.roost.server.status.DeviceStatus;
import dev.roost.server.status.StatusService;
import io.helidon.webserver.http.ServerRequest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The legacy device paths (§3.1-3.6 and 3.23 of the legacy API), over {@link DeviceService}. */
final class LegacyDeviceOperations {
    /** Device columns a legacy modify may set (besides {@code password} and the ignored {@code dev_state}). */
    static final List<String> UPDATABLE = List.of("device_name", "device_type", "software_version",
            "software_last_update", "nic1_type", "nic1_mac", "nic1_ipv4", "nic2_type", "nic2_mac", "nic2_ipv4",
            "dev_description", "dev_state", "password");
    /** Decommissioned devices are what the legacy system had deleted: they are not shown. */
    private static final DeviceFilter LIVE = new DeviceFilter(EnumSet.complementOf(
            EnumSet.of(DeviceState.DECOMMISSIONED)), Optional.empty(), Map.of(), Optional.empty(), Optional.empty());

    private final DeviceService devices;
    private final StatusService status;
    private final ObjectMapper json;
    private final int maxBodyBytes;

    LegacyDeviceOperations(DeviceService devices, StatusService status, ObjectMapper json, int maxBodyBytes) {
        this.devices = devices;
        this.status = status;
        this.json = json;
        this.maxBodyBytes = maxBodyBytes;
    }

    JsonNode add(ServerRequest request, Caller caller) {
        LegacyBody body = LegacyBody.read(request, json, maxBodyBytes).require("device_name", "device_type",
                "hardware_sn", "hardware_model", "software_version", "software_last_update", "password");
        JsonNode password = body.flat().get("password");
        if (!password.isTextual()) {
            throw LegacyFailure.of(400, LegacyFailure.GENERAL_ERROR, "password shoule be string!");
        }
        Instant lastUpdate = date(body.requiredText("software_last_update"));
        NewDevice device = new NewDevice(body.requiredText("device_name"), body.requiredText("device_type"),
                new Hardware(body.requiredText("hardware_sn"), body.requiredText("hardware_model")),
                body.requiredText("software_version"), Optional.of(lastUpdate),
                nics(List.of(), body), body.text("dev_description").orElse(""), Map.of(),
                Optional.of(Validation.secret("password", password.asText())));
        DeviceService.Registration registration;
        try {
            registration = devices.register(caller, device);
        } catch (RoostException e) {
            if (e.code() == ErrorCode.ALREADY_EXISTS) {
                throw LegacyFailure.of(409, LegacyFailure.DEVICEOP_ERROR, "Device already exists.");
            }
            throw e;
        }
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("device_id", registration.device().id().toString());
        data.put("password", registration.secret());
        return data;
    }

    JsonNode modify(ServerRequest request, Caller caller) {
        LegacyBody body = LegacyBody.read(request, json, maxBodyBytes).require("device_id");
        if (UPDATABLE.stream().noneMatch(body::given)) {
            throw LegacyFailure.missingParameters();
        }
        Device current = find(devices, caller, body.id("device_id")).orElseThrow(() -> LegacyFailure.deviceNotFound(true));
        update(devices, caller, current, body);
        return JsonNodeFactory.instance.objectNode();
    }

    /**
     * Applies a legacy modify body to one device: the device fields through
     * {@link DeviceService#update}, a new {@code password} through {@link DeviceService#rotateSecret}.
     * {@code dev_state} is accepted and ignored: Roost's state follows the lifecycle and the link.
     */
    static void update(DeviceService devices, Caller caller, Device current, LegacyBody body) {
        Optional<String> password = Optional.empty();
        if (body.given("password")) {
            if (!body.flat().get("password").isTextual()) {
                throw LegacyFailure.inner();
            }
            password = Optional.of(Validation.secret("password", body.flat().get("password").asText()));
        }
        boolean nicGiven = UPDATABLE.stream().filter(name -> name.startsWith("nic")).anyMatch(body::given);
        DeviceUpdate update = new DeviceUpdate(body.text("device_name"), body.text("device_type"),
                body.text("software_version"), body.text("software_last_update").map(LegacyDeviceOperations::date),
                nicGiven ? Optional.of(nics(current.networkInterfaces(), body)) : Optional.empty(),
                body.text("dev_description"), Optional.empty());
        boolean fieldGiven = update.name().isPresent() || update.type().isPresent()
                || update.softwareVersion().isPresent() || update.softwareUpdatedAt().isPresent()
                || update.networkInterfaces().isPresent() || update.description().isPresent();
        if (fieldGiven) {
            devices.update(caller, current.id(), update);
        }
        if (password.isPresent()) {
            devices.rotateSecret(caller, current.id(), password);
        }
    }

    JsonNode byId(ServerRequest request, Caller caller) {
        Optional<Long> id = LegacyBody.parseId(request.path().pathParameters().get("device_id"));
        return LegacyShapes.device(find(devices, caller, id).orElseThrow(() -> LegacyFailure.deviceNotFound(true)));
    }

    JsonNode byHardware(ServerRequest request, Caller caller) {
        Hardware hardware = new Hardware(request.path().pathParameters().get("device_sn"),
                request.path().pathParameters().get("device_model"));
        try {
            Device device = devices.getByHardware(caller, hardware);
            if (device.state() == DeviceState.DECOMMISSIONED) {
                throw LegacyFailure.deviceNotFound(true);
            }
            return LegacyShapes.device(device);
        } catch (RoostException e) {
            if (e.code() == ErrorCode.NOT_FOUND || e.code() == ErrorCode.INVALID_ARGUMENT) {
                throw LegacyFailure.deviceNotFound(true);
            }
            throw e;
        }
    }

    JsonNode all(ServerRequest request, Caller caller) {
        List<JsonNode> all = new ArrayList<>();
        PageRequest page = PageRequest.first(PageRequest.MAX_SIZE);
        while (true) {
            Page<Device> chunk = devices.list(caller, LIVE, page);
            chunk.items().forEach(device -> all.add(LegacyShapes.device(device)));
            if (chunk.nextCursor().isEmpty()) {
                return LegacyShapes.array(all);
            }
            page = PageRequest.of(PageRequest.MAX_SIZE, chunk.nextCursor().get());
        }
    }

    /** Roost keeps a deleted device, decommissioned, for its history; its memberships go with it. */
    JsonNode delete(ServerRequest request, Caller caller) {
        LegacyBody body = LegacyBody.read(request, json, maxBodyBytes).require("device_id");
        Device device = find(devices, caller, body.id("device_id")).orElseThrow(() -> LegacyFailure.deviceNotFound(false));
        devices.decommission(caller, device.id(), "deleted through the legacy API");
        return JsonNodeFactory.instance.objectNode();
    }

    /**
     * The live status of a connected device that has reported since it connected, in the legacy
     * shape, plus Roost's own {@code online} and {@code reported} (legacy callers ignore them).
     */
    JsonNode status(ServerRequest request, Caller caller) {
        Optional<Long> id = LegacyBody.parseId(request.path().pathParameters().get("device_id"));
        LegacyFailure offline = LegacyFailure.untyped("wrong device_id OR offline device.");
        if (id.isEmpty()) {
            throw offline;
        }
        DeviceStatus current;
        try {
            current = status.get(caller, new DeviceId(id.get()));
        } catch (RoostException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                throw offline;
            }
            throw e;
        }
        if (!current.online() || current.reportedVersion() == 0) {
            throw offline;
        }
        return LegacyStatus.of(current);
    }

    /** The device unless it is unknown or decommissioned. */
    static Optional<Device> find(DeviceService devices, Caller caller, Optional<Long> id) {
        if (id.isEmpty()) {
            return Optional.empty();
        }
        try {
            Device device = devices.get(caller, new DeviceId(id.get()));
            return device.state() == DeviceState.DECOMMISSIONED ? Optional.empty() : Optional.of(device);
        } catch (RoostException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** A date the legacy DATE column refused is the legacy system's database error. */
    private static Instant date(String text) {
        return LegacyShapes.parseDate(text).orElseThrow(LegacyFailure::database);
    }

    /**
     * The device's interfaces with the given {@code nic1_*}/{@code nic2_*} values written over the
     * first two; the legacy system had only those two, so interfaces after them are kept as they are.
     */
    static List<NetworkInterface> nics(List<NetworkInterface> current, LegacyBody body) {
        List<NetworkInterface> result = new ArrayList<>(current);
        for (int slot = 1; slot <= 2; slot++) {
            String prefix = "nic" + slot + "_";
            if (!body.given(prefix + "type") && !body.given(prefix + "mac") && !body.given(prefix + "ipv4")) {
                continue;
            }
            while (result.size() < slot) {
                result.add(new NetworkInterface("", "", ""));
            }
            NetworkInterface old = result.get(slot - 1);
            result.set(slot - 1, new NetworkInterface(body.text(prefix + "type").orElse(old.type()),
                    body.text(prefix + "mac").orElse(old.mac()), body.text(prefix + "ipv4").orElse(old.ipv4())));
        }
        return result;
    }
}
