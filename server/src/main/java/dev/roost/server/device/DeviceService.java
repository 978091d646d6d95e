package dev.roost.server.device;

import dev.roost.server.common.DeviceId;
import dev.roost.server.common.DeviceState;
import dev.roost.server.common.Page;
import dev.roost.server.common.PageRequest;
import dev.roost.server.common.Snowflake;
import dev.roost.server.common.Validation;
import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
import dev.roost.server.event.DeviceEvent;
import dev.roost.server.event.EventBus;
import dev.roost.server.event.EventDetail;
import dev.roost.server.event.EventQuery;
import dev.roost.server.event.EventType;
import dev.roost.server.security.Caller;
import dev.roost.server.security.Role;
import dev.roost.server.security.SecretHasher;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/** Use cases of the device registry. Every method checks the caller's role first. */
public final class DeviceService {
    /** Bytes of randomness in a generated device secret. */
    private static final int SECRET_BYTES = 24;

    private final DeviceStore store;
    private final Snowflake ids;
    private final SecretHasher hasher;
    private final Clock clock;
    private final EventBus events;

    public DeviceService(DeviceStore store, Snowflake ids, SecretHasher hasher, Clock clock, EventBus events) {
        this.store = store;
        this.ids = ids;
        this.hasher = hasher;
        this.clock = clock;
        this.events = events;
    }

    /** A registered device and its secret in clear, which is never shown again. */
    public record Registration(Device device, String secret) {
    }

    public Registration register(Caller caller, NewDevice request) {
        caller.require(Role.OPERATOR);
        NewDevice valid = request.validated();
        String secret = valid.secret().orElseGet(() -> hasher.newSecret(SECRET_BYTES));
        Instant now = clock.instant();
        Device device = new Device(new DeviceId(ids.nextId()), valid.name(), valid.type(), valid.hardware(),
                valid.softwareVersion(), valid.softwareUpdatedAt(), valid.networkInterfaces(), valid.description(),
                valid.labels(), DeviceState.REGISTERED, now, now, Optional.empty());
        DeviceEvent registered = lifecycleEvent(caller, device.id(), now, DeviceState.REGISTERED,
                DeviceState.REGISTERED, "registered");
        store.insert(device, hasher.hash(secret), registered);
        events.publish(registered);
        return new Registration(device, secret);
    }

    public Device get(Caller caller, DeviceId id) {
        caller.require(Role.VIEWER);
        return existing(id);
    }

    public Device getByHardware(Caller caller, Hardware hardware) {
        caller.require(Role.VIEWER);
        Hardware key = Hardware.validated("hardware", hardware);
        return store.findByHardware(key).orElseThrow(() -> RoostException.notFound("device with hardware",
                "serial '" + key.serial() + "' model '" + key.model() + "'"));
    }

    public Page<Device> list(Caller caller, DeviceFilter filter, PageRequest page) {
        caller.require(Role.VIEWER);
        return store.list(filter.validated(), page);
    }

    public Device update(Caller caller, DeviceId id, DeviceUpdate update) {
        caller.require(Role.OPERATOR);
        DeviceUpdate valid = update.validated();
        Device current = existing(id);
        requireChangeable(current);
        Device updated = valid.applyTo(current, clock.instant());
        if (!store.update(updated)) {
            throw RoostException.notFound("device", id);
        }
        return updated;
    }

    public Device disable(Caller caller, DeviceId id, String reason) {
        caller.require(Role.OPERATOR);
        return transition(caller, id, reason, current -> switch (current.state()) {
            case DISABLED -> Optional.empty();
            case DECOMMISSIONED -> throw new RoostException(ErrorCode.FAILED_PRECONDITION,
                    "device " + id + " is decommissioned");
            default -> Optional.of(DeviceState.DISABLED);
        });
    }

    public Device enable(Caller caller, DeviceId id, String reason) {
        caller.require(Role.OPERATOR);
        return transition(caller, id, reason, current -> switch (current.state()) {
            case DISABLED -> Optional.of(current.lastSeenAt().isPresent() ? DeviceState.OFFLINE : DeviceState.REGISTERED);
            case DECOMMISSIONED -> throw new RoostException(ErrorCode.FAILED_PRECONDITION,
                    "device " + id + " is decommissioned");
            default -> Optional.empty();
        });
    }

    /** Idempotent: decommissioning a decommissioned device changes nothing. */
    public Device decommission(Caller caller, DeviceId id, String reason) {
        caller.require(Role.OPERATOR);
        return transition(caller, id, reason, current -> current.state() == DeviceState.DECOMMISSIONED
                ? Optional.empty()
                : Optional.of(DeviceState.DECOMMISSIONED));
    }

    /** Replaces the device's secret; returns the new one in clear, shown only this once. */
    public String rotateSecret(Caller caller, DeviceId id, Optional<String> given) {
        caller.require(Role.OPERATOR);
        String secret = given.filter(s -> !s.isEmpty())
                .map(s -> Validation.secret("secret", s))
                .orElseGet(() -> hasher.newSecret(SECRET_BYTES));
        requireChangeable(existing(id));
        store.updateSecretHash(id, hasher.hash(secret), clock.instant());
        return secret;
    }

    public Page<DeviceEvent> events(Caller caller, DeviceId id, PageRequest page) {
        caller.require(Role.VIEWER);
        existing(id);
        return store.events(EventQuery.ofDevice(id), page);
    }

    /** The fleet's event history. */
    public Page<DeviceEvent> events(Caller caller, EventQuery query, PageRequest page) {
        caller.require(Role.VIEWER);
        return store.events(query, page);
    }

    private interface NextState {
        /** The state to move to, or empty when the device is already where the caller wants it. */
        Optional<DeviceState> of(Device current);
    }

    private Device transition(Caller caller, DeviceId id, String reason, NextState next) {
        String why = Validation.optional("reason", reason, 512);
        // Retries only when a concurrent transition changed the state between read and write.
        for (int attempt = 0; attempt < 5; attempt++) {
            Device current = existing(id);
            Optional<DeviceState> target = next.of(current);
            if (target.isEmpty()) {
                return current;
            }
            DeviceEvent event = lifecycleEvent(caller, id, clock.instant(), current.state(), target.get(), why);
            if (store.transition(id, current.state(), event)) {
                events.publish(event);
                return existing(id);
            }
        }
        throw new RoostException(ErrorCode.UNAVAILABLE, "device " + id + " is changing concurrently; retry");
    }

    private DeviceEvent lifecycleEvent(Caller caller, DeviceId id, Instant at, DeviceState from, DeviceState to,
                                       String reason) {
        return new DeviceEvent(ids.nextId(), id, at, EventType.LIFECYCLE, caller.name(), from, to, reason,
                new EventDetail.LifecycleDetail());
    }

    private Device existing(DeviceId id) {
        return store.find(id).orElseThrow(() -> RoostException.notFound("device", id));
    }

    private static void requireChangeable(Device device) {
        if (!device.state().acceptsChanges()) {
            throw new RoostException(ErrorCode.FAILED_PRECONDITION, "device " + device.id() + " is decommissioned");
        }
    }
}
