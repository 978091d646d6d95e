package dev.roost.server.southbound.v0;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roost.server.command.CommandService;
import dev.roost.server.common.DeviceId;
import dev.roost.server.southbound.DeviceAuthenticator;
import dev.roost.server.southbound.DialectConnection;
import dev.roost.server.southbound.FirstFrameDialect;
import dev.roost.server.status.StatusService;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The legacy controller's dialect: a connection without a subprotocol whose first frame is a
 * JSON object with {@code password} and no {@code type} (v0-protocol.md §1, §3). Holds what the
 * v0 sessions share: one timer thread for every order deadline and held refusal, and the
 * restarts waiting for their controller to log in again.
 */
public final class V0Dialect implements FirstFrameDialect, AutoCloseable {
    /**
     * How long a throttled login is held before its refusal: the controller reconnects at once
     * after a refusal, so an answer held for a while turns its tight loop into one attempt per
     * hold. Below the controller's own 6 s wait, so that it still reads the answer.
     */
    static final Duration REFUSAL_HOLD = Duration.ofSeconds(5);

    private final DeviceAuthenticator authenticator;
    private final StatusService status;
    private final CommandService commands;
    private final ObjectMapper json;
    private final Clock clock;
    private final Duration refusalHold;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("roost-v0-timers").daemon().factory());
    /** Restarts other than {@code reboot} confirmed to the controller, by device: their command ids. */
    private final ConcurrentMap<Long, String> restarting = new ConcurrentHashMap<>();

    public V0Dialect(DeviceAuthenticator authenticator, StatusService status, CommandService commands,
                     ObjectMapper json, Clock clock) {
        this(authenticator, status, commands, json, clock, REFUSAL_HOLD);
    }

    V0Dialect(DeviceAuthenticator authenticator, StatusService status, CommandService commands, ObjectMapper json,
              Clock clock, Duration refusalHold) {
        this.authenticator = authenticator;
        this.status = status;
        this.commands = commands;
        this.json = json;
        this.clock = clock;
        this.refusalHold = refusalHold;
    }

    @Override
    public boolean recognises(String firstFrame) {
        // Cheap before the parse: every v1 connection without a subprotocol passes here once.
        if (firstFrame.length() > 64 * 1024 || !firstFrame.contains("\"password\"")
                && !firstFrame.contains("\"device_id\"") && !firstFrame.contains("\"device_sn\"")) {
            return false;
        }
        try {
            JsonNode frame = json.readTree(firstFrame);
            // A v1 message always has a type; a login frame never does. Beyond the spec's rule (a
            // password and no type), a login frame that lacks its password is taken as v0 too, so
            // that it gets the legacy answer "Not provide password".
            return frame != null && frame.isObject() && !frame.has("type")
                    && (frame.has("password") || frame.has("device_id") || frame.has("device_sn"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public Handler open(DialectConnection connection) {
        return new V0Session(connection, this);
    }

    DeviceAuthenticator authenticator() {
        return authenticator;
    }

    StatusService status() {
        return status;
    }

    CommandService commands() {
        return commands;
    }

    ObjectMapper json() {
        return json;
    }

    Clock clock() {
        return clock;
    }

    Duration refusalHold() {
        return refusalHold;
    }

    void schedule(Runnable task, Duration after) {
        timers.schedule(() -> Thread.ofVirtual().start(task), Math.max(0, after.toMillis()), TimeUnit.MILLISECONDS);
    }

    void restartConfirmed(DeviceId device, String commandId) {
        restarting.put(device.value(), commandId);
    }

    /** The command id of a confirmed restart of the device, taken (once). */
    java.util.Optional<String> takeRestart(DeviceId device) {
        return java.util.Optional.ofNullable(restarting.remove(device.value()));
    }

    @Override
    public void close() {
        timers.shutdownNow();
    }
}
