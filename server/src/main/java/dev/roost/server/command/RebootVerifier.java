package dev.roost.server.command;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.PageRequest;
import dev.roost.server.event.DeviceEvent;
import dev.roost.server.event.EventDetail.StatusDetail;
import dev.roost.server.event.EventHeader;
import dev.roost.server.event.EventType;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * A reboot succeeds only on evidence, never on the device's word: after the device acknowledged
 * it, a status report with a boot id other than the one before the reboot makes it SUCCEEDED; the
 * same boot id reported after the device reconnected makes it FAILED (it reconnected without
 * rebooting). With neither, the reboot times out like any command.
 */
final class RebootVerifier {
    private final CommandStore store;
    private final CommandFinisher finisher;
    private final Function<DeviceId, Optional<String>> bootIds;
    private final Executor background;
    /** Devices with an acknowledged reboot waiting for evidence; the value says whether they reconnected since. */
    /** Where an acknowledged reboot of a device stands. */
    private enum RebootWait {
        /** Acknowledged; the device has not logged in again yet. */
        ACKED,
        /** The device logged in again: a report with the old boot id now means it did not reboot. */
        RECONNECTED
    }

    private final ConcurrentMap<Long, RebootWait> rebooting = new ConcurrentHashMap<>();

    RebootVerifier(CommandStore store, CommandFinisher finisher, Function<DeviceId, Optional<String>> bootIds,
                   Executor background) {
        this.store = store;
        this.finisher = finisher;
        this.bootIds = bootIds;
        this.background = background;
        finisher.afterFinish(done -> {
            if (done.isReboot()) {
                rebooting.remove(done.deviceId().value());
            }
        });
    }

    /** At start: the acknowledged reboots that were running wait for their evidence again. */
    void recover(Collection<Command> running) {
        for (Command command : running) {
            if (command.isReboot() && command.state() == CommandState.ACKED) {
                rebooting.put(command.deviceId().value(), RebootWait.ACKED);
            }
        }
    }

    /** The device acknowledged a reboot: from now on its reports are evidence. */
    void acked(DeviceId device) {
        rebooting.put(device.value(), RebootWait.ACKED);
    }

    /** The events {@link #onDeviceEvent} acts on: connects and reports of a device whose reboot waits. */
    boolean needs(EventHeader header) {
        return (header.type() == EventType.CONNECTED || header.type() == EventType.STATUS)
                && rebooting.containsKey(header.deviceId().value());
    }

    /** Connections and status reports (of this node or, in a cluster, another) as evidence. */
    void onDeviceEvent(DeviceEvent event) {
        if (!rebooting.containsKey(event.deviceId().value())) {
            return;
        }
        if (event.type() == EventType.CONNECTED) {
            connected(event.deviceId());
        } else if (event.detail() instanceof StatusDetail status) {
            // The event's own boot id: the report may have reached another node of a cluster.
            reported(event.deviceId(), Optional.of(status.bootId()).filter(id -> !id.isEmpty()));
        }
    }

    void connected(DeviceId device) {
        rebooting.replace(device.value(), RebootWait.RECONNECTED);
    }

    /** A status report; without a boot id of its own, the device's last known one is the evidence. */
    void reported(DeviceId device, Optional<String> bootId) {
        RebootWait wait = rebooting.get(device.value());
        if (wait == null) {
            return;
        }
        background.execute(() -> check(device, wait == RebootWait.RECONNECTED,
                bootId.isPresent() ? bootId : bootIds.apply(device)));
    }

    private void check(DeviceId device, boolean reconnected, Optional<String> bootId) {
        if (bootId.isEmpty()) {
            return;
        }
        for (Command command : store.list(new CommandFilter(Optional.of(device), Optional.empty(),
                EnumSet.of(CommandState.ACKED)), PageRequest.first(PageRequest.MAX_SIZE)).items()) {
            if (!command.isReboot()) {
                continue;
            }
            if (!bootId.get().equals(command.bootIdBefore())) {
                finisher.finish(command, EnumSet.of(CommandState.ACKED), CommandState.SUCCEEDED,
                        Optional.of(JsonNodeFactory.instance.objectNode().put("boot_id", bootId.get())), 0,
                        "rebooted", "device");
            } else if (reconnected) {
                finisher.finish(command, EnumSet.of(CommandState.ACKED), CommandState.FAILED, Optional.empty(), 0,
                        "device reconnected without rebooting (same boot id)", "device");
            }
        }
    }

    /**
     * Evidence of a finished reboot from a device that cannot report a boot id: the legacy v0
     * controller restarts its own process and logs in again. Its acknowledged reboots succeed with
     * {@code evidence} as their message. Does nothing (and reads nothing) unless this server knows
     * the device is rebooting.
     *
     * @return how many reboot commands succeeded
     */
    int observed(DeviceId device, String evidence) {
        if (!rebooting.containsKey(device.value())) {
            return 0;
        }
        int done = 0;
        for (Command command : store.list(new CommandFilter(Optional.of(device), Optional.empty(),
                EnumSet.of(CommandState.ACKED)), PageRequest.first(PageRequest.MAX_SIZE)).items()) {
            if (command.isReboot() && finisher.finish(command, EnumSet.of(CommandState.ACKED), CommandState.SUCCEEDED,
                    Optional.of(JsonNodeFactory.instance.objectNode().put("evidence", evidence)), 0, evidence,
                    "device")) {
                done++;
            }
        }
        return done;
    }
}
