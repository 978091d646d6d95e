package dev.roost.server.status;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.protocol.MergePatch;
import dev.roost.protocol.Messages;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.Json;
import dev.roost.server.device.DeviceLink;
import dev.roost.server.device.DeviceStore;
import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
import dev.roost.server.security.Caller;
import dev.roost.server.security.Role;

import java.time.Clock;
import java.util.Optional;

/**
 * Desired state: versioned documents changed by merge patches with optimistic concurrency, pushed
 * to the device as a patch when it is online and in full when it reconnects behind.
 */
public final class DesiredStateService {
    private static final int MAX_DOCUMENT_CHARS = 32 * 1024;

    private final DesiredStateStore store;
    private final DeviceStore devices;
    private final DeviceLink link;
    private final Clock clock;

    public DesiredStateService(DesiredStateStore store, DeviceStore devices, DeviceLink link,
                               Clock clock) {
        this.store = store;
        this.devices = devices;
        this.link = link;
        this.clock = clock;
    }

    public DesiredState get(Caller caller, DeviceId device) {
        caller.require(Role.VIEWER);
        requireDevice(device);
        return current(device);
    }

    /**
     * Applies a merge patch to the desired state.
     *
     * @param expectedVersion 0 to skip the check; otherwise the update fails unless it matches
     */
    public DesiredState update(Caller caller, DeviceId device, ObjectNode patch, long expectedVersion) {
        caller.require(Role.OPERATOR);
        if (patch == null) {
            throw RoostException.invalid("patch", "must be a JSON object");
        }
        if (expectedVersion < 0) {
            throw RoostException.invalid("expected_version", "must not be negative");
        }
        requireDevice(device);
        for (int attempt = 0; attempt < 5; attempt++) {
            DesiredState current = current(device);
            if (expectedVersion != 0 && current.version() != expectedVersion) {
                throw new RoostException(ErrorCode.FAILED_PRECONDITION, "desired state of device " + device
                        + " is at version " + current.version() + ", not " + expectedVersion);
            }
            ObjectNode next = MergePatch.apply(current.desired(), patch);
            if (Json.text(next).length() > MAX_DOCUMENT_CHARS) {
                throw RoostException.invalid("patch", "the desired state would exceed " + MAX_DOCUMENT_CHARS
                        + " characters");
            }
            if (store.replace(device, current.version(), next, clock.instant())) {
                long version = current.version() + 1;
                link.send(device, new Messages.Desired(version, Messages.Desired.PATCH, current.version(), patch));
                return current(device);
            }
        }
        throw new RoostException(ErrorCode.UNAVAILABLE, "desired state of device " + device
                + " is changing concurrently; retry");
    }

    /** The desired state as stored (version 0 and an empty document when never set). */
    public DesiredState current(DeviceId device) {
        return store.find(device).orElseGet(() -> new DesiredState(device, 0, JsonNodeFactory.instance.objectNode(),
                0, JsonNodeFactory.instance.objectNode(), JsonNodeFactory.instance.objectNode(), Optional.empty()));
    }

    /** After a (re)connect: sends the full document when the device has not applied this version. */
    public void pushIfBehind(DesiredState state) {
        if (state.version() > state.appliedVersion()) {
            sendFull(state);
        }
    }

    /** The device reports what it applied; a device behind the current version gets the full document. */
    public void applied(DeviceId device, Messages.DesiredApplied applied) {
        Optional<DesiredState> state = store.find(device);
        if (state.isEmpty()) {
            return;
        }
        if (applied.version() > 0 && applied.version() <= state.get().version()) {
            store.applied(device, applied.version(), orEmpty(applied.applied()), orEmpty(applied.errors()));
        }
        if (applied.version() < state.get().version()) {
            sendFull(state.get());
        }
    }

    private static ObjectNode orEmpty(ObjectNode node) {
        return node == null ? JsonNodeFactory.instance.objectNode() : node;
    }

    private void sendFull(DesiredState state) {
        link.send(state.deviceId(), new Messages.Desired(state.version(), Messages.Desired.FULL, 0, state.desired()));
    }

    private void requireDevice(DeviceId device) {
        if (devices.find(device).isEmpty()) {
            throw RoostException.notFound("device", device);
        }
    }
}
