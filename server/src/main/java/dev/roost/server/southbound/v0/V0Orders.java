package dev.roost.server.southbound.v0;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.protocol.Messages;
import dev.roost.server.command.Command;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The orders of one v0 session. v0 has no correlation ids (v0-protocol.md §7.1), so one order is
 * in flight at a time and the next {@code upload_instruction_result} is its answer; the others wait
 * here in the order the command service sent them. Roost command names map to v0 orders as
 * docs/protocol.md "Legacy v0 dialect" says: {@code reboot} and {@code restart_agent} →
 * {@code restart}, {@code upload_log} → {@code upload_log} (both inner), any other name → a custom
 * order with its params.
 */
final class V0Orders {
    static final String RESTART = "restart";
    static final String UPLOAD_LOG = "upload_log";
    static final String RESTART_AGENT = "restart_agent";
    /** Where the controller puts its log when the command names no {@code remote_dir}: its own folder's root. */
    static final String DEFAULT_REMOTE_DIR = "/";
    static final String WAIT_CONFIRM = "wait Server Confirm";
    private static final String NOT_IN_CONFIG = "order not in config";

    /** An order on the wire: the Roost command it carries and its v0 type. */
    record Order(Messages.Command command, String orderType, long deadlineMillis) {
        boolean isRestart() {
            return RESTART.equals(orderType);
        }
    }

    /** What an {@code upload_instruction_result} meant. */
    sealed interface Answer permits Final, RestartAccepted, Ignored {
    }

    /** The in-flight order finished with this result. */
    record Final(Order order, Messages.CommandResult result) implements Answer {
    }

    /** The controller will restart once confirmed ({@code wait Server Confirm}). */
    record RestartAccepted(Order order) implements Answer {
    }

    /** No order was waiting, or it was the known second answer to an unknown custom order. */
    record Ignored(String why) implements Answer {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Deque<Messages.Command> waiting = new ArrayDeque<>();
    private Order inFlight;
    /** The legacy controller answers an unknown custom order twice; the second answer is dropped. */
    private String secondAnswer;

    /** Queues a command; returns it as the order to send now when nothing is in flight. */
    Optional<Order> offer(Messages.Command command, long nowMillis) {
        lock.lock();
        try {
            waiting.addLast(command);
            return nextLocked(nowMillis);
        } finally {
            lock.unlock();
        }
    }

    /** The result frame of the in-flight order; the caller sends the next order it returns. */
    Answer answer(JsonNode frame) {
        String status = frame.path("status").asText("");
        String message = frame.path("Headers").path("message").asText("");
        lock.lock();
        try {
            if (secondAnswer != null && secondAnswer.equals(message)) {
                secondAnswer = null;
                return new Ignored("second answer to an unknown order");
            }
            if (inFlight == null) {
                return new Ignored("no order in flight");
            }
            Order order = inFlight;
            if (order.isRestart() && "success".equals(status) && WAIT_CONFIRM.equals(message)) {
                return new RestartAccepted(order);
            }
            inFlight = null;
            boolean succeeded = "success".equals(status);
            if (!succeeded && NOT_IN_CONFIG.equals(message)) {
                secondAnswer = "Error in exec order: '" + order.orderType() + "'";
            }
            ObjectNode result = JsonNodeFactory.instance.objectNode().put("message", message);
            return new Final(order, new Messages.CommandResult(order.command().commandId(),
                    succeeded ? Messages.CommandResult.SUCCEEDED : Messages.CommandResult.FAILED, succeeded ? 0 : 1,
                    result, message));
        } finally {
            lock.unlock();
        }
    }

    /** The next order to send, if nothing is in flight; marks it in flight. */
    Optional<Order> next(long nowMillis) {
        lock.lock();
        try {
            return nextLocked(nowMillis);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The in-flight order ran past its deadline (the command service times the command out): the
     * slot is freed. An answer the controller sends after this is taken for the next order; the
     * legacy protocol gives no way to tell them apart.
     */
    boolean expire(String commandId, long nowMillis) {
        lock.lock();
        try {
            if (inFlight != null && inFlight.command().commandId().equals(commandId)
                    && inFlight.deadlineMillis() <= nowMillis) {
                inFlight = null;
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** A cancelled command that still waits here is not sent; one in flight cannot be stopped in v0. */
    void cancel(String commandId) {
        lock.lock();
        try {
            waiting.removeIf(command -> command.commandId().equals(commandId));
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code commandId} is the restart in flight (for {@code restart_confirm}). */
    boolean restartInFlight(String commandId) {
        lock.lock();
        try {
            return inFlight != null && inFlight.isRestart() && inFlight.command().commandId().equals(commandId);
        } finally {
            lock.unlock();
        }
    }

    private Optional<Order> nextLocked(long nowMillis) {
        if (inFlight != null || waiting.isEmpty()) {
            return Optional.empty();
        }
        Messages.Command command = waiting.removeFirst();
        inFlight = new Order(command, orderType(command.name()), nowMillis + command.timeoutMs());
        return Optional.of(inFlight);
    }

    static String orderType(String commandName) {
        return switch (commandName) {
            case Command.REBOOT, RESTART_AGENT -> RESTART;
            default -> commandName;
        };
    }

    /** The {@code give_order} frame of an order for {@code deviceId}. */
    static String frame(Order order, String deviceId) {
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("device_id", deviceId);
        ObjectNode params = order.command().params() == null ? JsonNodeFactory.instance.objectNode()
                : order.command().params();
        return switch (order.orderType()) {
            case RESTART -> V0Frames.giveOrder(RESTART, true, data);
            case UPLOAD_LOG -> {
                JsonNode dir = params.get("remote_dir");
                data.put("remote_dir", dir != null && dir.isTextual() && !dir.textValue().isBlank()
                        ? dir.textValue() : DEFAULT_REMOTE_DIR);
                yield V0Frames.giveOrder(UPLOAD_LOG, true, data);
            }
            default -> {
                data.set("params", params);
                yield V0Frames.giveOrder(order.orderType(), false, data);
            }
        };
    }
}
