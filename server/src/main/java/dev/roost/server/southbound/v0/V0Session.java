package dev.roost.server.southbound.v0;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.protocol.Body;
import dev.roost.protocol.CloseCode;
import dev.roost.protocol.Messages;
import dev.roost.server.common.DeviceId;
import dev.roost.server.error.RoostException;
import dev.roost.server.southbound.DeviceAuthenticator;
import dev.roost.server.southbound.DialectConnection;
import dev.roost.server.southbound.FirstFrameDialect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One v0 connection: its login (v0-protocol.md §3) and heartbeats on the connection's own thread;
 * status uploads, order results and the work after a login (§4-§7), which may wait on the
 * database, in order off that thread ({@link DialectConnection#handOver}), so that a slow database
 * never delays a {@code ping_pong} answer (the controller leaves after three pings unanswered for
 * 3 s each); downlink commands translated into orders ({@link V0Orders}) on whichever thread sends
 * them. Malformed frames get what the legacy server did (ignored, or the connection closed); no
 * v1 frame and no non-object frame is ever sent.
 * Over 300 lines because the legacy protocol's per-connection state machine (login, the held
 * refusal, live) and its frame handlers share that state; the translations live in
 * {@link V0Orders} and {@link V0Status}.
 */
final class V0Session implements FirstFrameDialect.Handler {
    private static final System.Logger LOG = System.getLogger(V0Session.class.getName());

    private enum Phase { LOGIN, REFUSED, LIVE }

    private final DialectConnection connection;
    private final V0Dialect dialect;
    private final V0Status statusMapping = new V0Status();
    private final V0Orders orders = new V0Orders();
    private volatile Phase phase = Phase.LOGIN;
    private volatile DeviceId device;
    private StringBuilder fragments;

    V0Session(DialectConnection connection, V0Dialect dialect) {
        this.connection = connection;
        this.dialect = dialect;
    }

    @Override
    public void onText(String text, boolean last) {
        connection.seen();
        String whole = assemble(text, last);
        if (whole == null) {
            return;
        }
        if (phase == Phase.LOGIN) {
            login(whole);
        } else if (phase == Phase.LIVE && connection.withinRate()) {
            uplink(whole);
        }
    }

    @Override
    public void onBinary(byte[] bytes) {
        // The legacy server parsed a binary frame's bytes like a text frame's.
        onText(new String(bytes, StandardCharsets.UTF_8), true);
    }

    @Override
    public void ended() {
        // Orders waiting here are SENT and unacknowledged: the command service sends them again
        // after the next login.
    }

    private String assemble(String text, boolean last) {
        if (fragments == null && last) {
            if (text.length() > connection.maxFrameBytes()) {
                connection.close(CloseCode.FRAME_TOO_LARGE, CloseCode.FRAME_TOO_LARGE.reason());
                return null;
            }
            return text;
        }
        if (fragments == null) {
            fragments = new StringBuilder();
        }
        fragments.append(text);
        if (fragments.length() > connection.maxFrameBytes()) {
            fragments = null;
            connection.close(CloseCode.FRAME_TOO_LARGE, CloseCode.FRAME_TOO_LARGE.reason());
            return null;
        }
        if (!last) {
            return null;
        }
        String whole = fragments.toString();
        fragments = null;
        return whole;
    }

    // ---- login ----

    private void login(String text) {
        JsonNode frame = parse(text).orElse(null);
        if (frame == null || !frame.isObject()) {
            refuse(V0Frames.UNKNOWN_ERROR);
            return;
        }
        V0Login.Parsed parsed = V0Login.parse(frame);
        if (!parsed.ok()) {
            refuse(parsed.failure());
            return;
        }
        Optional<DeviceAuthenticator.Refused> throttled = dialect.authenticator().throttled(parsed.auth(),
                connection.remote());
        if (throttled.isPresent()) {
            refuseLater(throttled.get().retryAfter());
            return;
        }
        DeviceAuthenticator.Outcome outcome;
        try {
            outcome = check(parsed.auth());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "v0 login from {0} could not be checked: {1}", connection.remote(),
                    RoostException.causeOf(e).map(Throwable::getMessage).orElse(e.toString()));
            refuse(V0Frames.UNKNOWN_ERROR);
            return;
        }
        if (outcome instanceof DeviceAuthenticator.Refused refused) {
            refused.device().ifPresent(claimed -> connection.recordRefusal(claimed.id(), claimed.state(),
                    "v0 login refused: " + refused.code()));
            if (Messages.AuthError.RATE_LIMITED.equals(refused.code())) {
                refuseLater(refused.retryAfter());
                return;
            }
            refuse(switch (refused.code()) {
                case Messages.AuthError.INVALID_CREDENTIALS -> refused.device().isPresent() ? V0Frames.WRONG_PASSWORD
                        : V0Frames.NOT_FOUND;
                case Messages.AuthError.DEVICE_DISABLED -> V0Frames.DISABLED;
                case Messages.AuthError.DEVICE_DECOMMISSIONED -> V0Frames.DECOMMISSIONED;
                default -> V0Frames.UNKNOWN_ERROR;
            });
            return;
        }
        admit((DeviceAuthenticator.Accepted) outcome);
    }

    /**
     * bcrypt and the database on a thread of its own: Helidon interrupts a connection's thread when
     * the connection is closed from elsewhere, and an interrupt inside JDBC discards a pooled connection.
     */
    private DeviceAuthenticator.Outcome check(Messages.Auth auth) {
        CompletableFuture<DeviceAuthenticator.Outcome> outcome = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                outcome.complete(dialect.authenticator().authenticate(auth, connection.remote(), Optional.empty()));
            } catch (RuntimeException e) {
                outcome.completeExceptionally(e);
            }
        });
        try {
            return outcome.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("connection closed during its login", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        }
    }

    private void admit(DeviceAuthenticator.Accepted accepted) {
        DeviceId id = accepted.device().id();
        device = id;
        if (!connection.admit(id, accepted.previousState(), this::downlink,
                "v0")) {
            return;
        }
        phase = Phase.LIVE;
        connection.sendText(V0Frames.loginOk(id.toString()));
        LOG.log(System.Logger.Level.INFO, "v0 controller of device {0} logged in from {1}", id, connection.remote());
        handOver("login", () -> {
            restartEvidence(id);
            if (dialect.commands().pendingCount(id) > 0) {
                dialect.commands().deliverAfterReconnect(id);
            }
        });
    }

    /** A controller that confirmed a restart and logs in again has restarted: it has no boot id to show. */
    private void restartEvidence(DeviceId id) {
        try {
            dialect.commands().rebootObserved(id, "v0 controller logged in again after restart_confirm");
            dialect.takeRestart(id).ifPresent(commandId -> dialect.commands().finishLater(id,
                    new Messages.CommandResult(commandId, Messages.CommandResult.SUCCEEDED, 0,
                            JsonNodeFactory.instance.objectNode(), "v0 controller logged in again"),
                    outcome -> LOG.log(System.Logger.Level.DEBUG, "restart {0} of device {1}: {2}", commandId, id,
                            outcome)));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "restart of device {0} not recorded as done: {1}", id, e.getMessage());
        }
    }

    /** Answers and closes normally, as the legacy server did after a refused login. */
    private void refuse(String message) {
        phase = Phase.REFUSED;
        connection.sendText(V0Frames.loginFailed(message));
        connection.close(CloseCode.NORMAL, "v0 login failed");
    }

    /**
     * A throttled controller is answered only after a hold: it would reconnect at once and be
     * refused again, over and over. Nothing is checked meanwhile (no bcrypt, no database).
     */
    private void refuseLater(Duration retryAfter) {
        phase = Phase.REFUSED;
        Duration hold = retryAfter.compareTo(dialect.refusalHold()) < 0 ? retryAfter : dialect.refusalHold();
        dialect.holdRefusal(() -> refuse(V0Frames.TOO_MANY_FAILURES), hold);
    }

    // ---- live session ----

    private void uplink(String text) {
        Optional<JsonNode> parsed = parse(text);
        if (parsed.isEmpty()) {
            // The legacy server ignored a frame that was not JSON.
            return;
        }
        JsonNode frame = parsed.get();
        if (!frame.isObject()) {
            connection.close(CloseCode.PROTOCOL_VIOLATION, "protocol error: not a JSON object");
            return;
        }
        switch (frame.path("type").asText("")) {
            case V0Frames.PING_PONG -> connection.sendText(V0Frames.pong());
            case V0Frames.UPLOAD_STATUS_INFO -> handOver(V0Frames.UPLOAD_STATUS_INFO, () -> status(frame));
            case V0Frames.UPLOAD_INSTRUCTION_RESULT -> handOver(V0Frames.UPLOAD_INSTRUCTION_RESULT,
                    () -> result(frame));
            default -> LOG.log(System.Logger.Level.DEBUG, "v0 frame of type {0} from device {1} ignored",
                    frame.path("type").asText("(none)"), device);
        }
    }

    /**
     * v0 has no error frame: work that finds too much waiting is dropped like a frame above the
     * rate (an upload is then not answered, and the controller sends another within 3 s; an order
     * result is lost, and its command times out).
     */
    private void handOver(String what, Runnable work) {
        if (!connection.handOver(work)) {
            LOG.log(System.Logger.Level.WARNING, "v0 {0} of device {1} dropped: too much of this connection waits "
                    + "for the database", what, device);
        }
    }

    private void status(JsonNode frame) {
        JsonNode data = frame.get("data");
        if (data == null) {
            connection.close(CloseCode.PROTOCOL_VIOLATION, "protocol error: upload_status_info without data");
            return;
        }
        ObjectNode state = statusMapping.toRoost(data);
        try {
            dialect.status().report(device, Messages.Status.snapshot(state));
        } catch (RuntimeException e) {
            // Not stored, so not acknowledged: the controller sends a new sample within 3 s.
            LOG.log(System.Logger.Level.WARNING, "v0 status of device {0} not stored: {1}", device, e.getMessage());
            return;
        }
        connection.sendText(V0Frames.statusReceived());
    }

    private void result(JsonNode frame) {
        V0Orders.Answer answer = orders.answer(frame);
        switch (answer) {
            case V0Orders.Ignored ignored -> LOG.log(System.Logger.Level.DEBUG,
                    "v0 order result from device {0} dropped: {1}", device, ignored.why());
            case V0Orders.RestartAccepted accepted -> restartAccepted(accepted.order());
            case V0Orders.Final done -> {
                boolean taken = dialect.commands().finishLater(device, done.result(), outcome -> LOG.log(
                        System.Logger.Level.DEBUG, "v0 order {0} of device {1}: {2}", done.result().commandId(),
                        device, outcome));
                if (!taken) {
                    LOG.log(System.Logger.Level.WARNING, "v0 order {0} of device {1}: result not taken (result "
                            + "workers full); the command times out", done.result().commandId(), device);
                }
                sendNext();
            }
        }
    }

    /**
     * {@code wait Server Confirm}: for {@code reboot} the command service acknowledges and sends
     * {@code reboot_confirm}, which becomes {@code restart_confirm}; any other restart is confirmed
     * here. Either way the command succeeds when the controller logs in again.
     */
    private void restartAccepted(V0Orders.Order order) {
        String commandId = order.command().commandId();
        if (dev.roost.server.command.Command.REBOOT.equals(order.command().name())) {
            if (!dialect.commands().acked(device, commandId)) {
                LOG.log(System.Logger.Level.DEBUG, "restart {0} of device {1} no longer runs", commandId, device);
            }
            return;
        }
        dialect.commands().acked(device, commandId);
        dialect.restartConfirmed(device, commandId);
        connection.sendText(V0Frames.restartConfirm());
    }

    // ---- downlink ----

    /** A downlink message of the command or desired-state service for this device. */
    private boolean downlink(Body body) {
        long now = dialect.clock().millis();
        return switch (body) {
            case Messages.Command command -> {
                orders.offer(command, now).ifPresent(this::send);
                yield !connection.isEnded();
            }
            case Messages.RebootConfirm confirm -> orders.restartInFlight(confirm.commandId())
                    && connection.sendText(V0Frames.restartConfirm());
            case Messages.CommandCancel cancel -> {
                orders.cancel(cancel.commandId());
                yield true;
            }
            // v0 has no desired state: the device keeps it pending (not delivered).
            default -> false;
        };
    }

    private void send(V0Orders.Order order) {
        if (!connection.sendText(V0Orders.frame(order, device.toString()))) {
            return;
        }
        String commandId = order.command().commandId();
        dialect.schedule(() -> {
            if (orders.expire(commandId, dialect.clock().millis())) {
                sendNext();
            }
        }, Duration.ofMillis(order.command().timeoutMs()));
        if (!order.isRestart()) {
            // The controller starts every order on receipt; a restart is accepted by its answer.
            Thread.ofVirtual().start(() -> {
                try {
                    dialect.commands().acked(device, commandId);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "ack of v0 order {0} not stored: {1}", commandId,
                            e.getMessage());
                }
            });
        }
    }

    private void sendNext() {
        orders.next(dialect.clock().millis()).ifPresent(this::send);
    }

    private Optional<JsonNode> parse(String text) {
        try {
            return Optional.ofNullable(dialect.json().readTree(text));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
