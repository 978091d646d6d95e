package dev.roost.server.southbound.v0;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.server.common.Json;

/**
 * The frames the server sends on a v0 session, spelt exactly as the legacy server sent them
 * (v0-protocol.md §2, §3.3): {@code type}, {@code Headers} with a capital H, {@code data}. Every
 * frame is a JSON object; the controller's receive loop dies on anything else.
 */
final class V0Frames {
    static final String PING_PONG = "ping_pong";
    static final String UPLOAD_STATUS_INFO = "upload_status_info";
    static final String UPLOAD_INSTRUCTION_RESULT = "upload_instruction_result";

    /** The legacy answers to a refused login, verbatim. */
    static final String NOT_PROVIDED = "Not provide password";
    static final String MISSING_PARAMETERS = "Missing required Parameters!";
    static final String NOT_FOUND = "Device NOT FOUND.";
    static final String WRONG_PASSWORD = "password Not Correct";
    static final String UNKNOWN_ERROR = "Unknown Error";
    /** Roost's own refusals, in the same shape (the legacy server had no such cases). */
    static final String TOO_MANY_FAILURES = "Too many failed logins; retry later.";
    static final String DISABLED = "Device disabled.";
    static final String DECOMMISSIONED = "Device decommissioned.";
    static final String SERVER_BUSY = "Server busy; retry later.";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private V0Frames() {
    }

    static String loginOk(String deviceId) {
        ObjectNode frame = NODES.objectNode().put("status", "success");
        frame.putObject("data").put("device_id", deviceId);
        return Json.text(frame);
    }

    static String loginFailed(String message) {
        return Json.text(NODES.objectNode().put("status", "fail").put("message", message));
    }

    static String pong() {
        ObjectNode frame = typed(PING_PONG);
        frame.put("data", "pong");
        return Json.text(frame);
    }

    static String statusReceived() {
        ObjectNode frame = typed("send_statusInfo_response");
        frame.putObject("data");
        return Json.text(frame);
    }

    static String restartConfirm() {
        ObjectNode frame = typed("restart_confirm");
        frame.putObject("data");
        return Json.text(frame);
    }

    /** {@code give_order}; {@code data} carries {@code device_id} and the order's own members. */
    static String giveOrder(String orderType, boolean inner, ObjectNode data) {
        ObjectNode frame = NODES.objectNode().put("type", "give_order");
        frame.putObject("Headers").put("order_type", orderType).put("isInner", inner);
        frame.set("data", data);
        return Json.text(frame);
    }

    private static ObjectNode typed(String type) {
        ObjectNode frame = NODES.objectNode().put("type", type);
        frame.putObject("Headers");
        return frame;
    }
}
