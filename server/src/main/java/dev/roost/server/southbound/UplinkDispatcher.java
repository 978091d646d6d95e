package dev.roost.server.southbound;

import dev.roost.protocol.Body;
import dev.roost.protocol.MessageType;
import dev.roost.protocol.Messages;
import dev.roost.protocol.Pdu;
import dev.roost.protocol.ProtocolErrorCode;
import dev.roost.protocol.ProtocolException;
import dev.roost.server.command.CommandService;
import dev.roost.server.command.ResultOutcome;
import dev.roost.server.common.DeviceId;
import dev.roost.server.status.DesiredStateService;
import dev.roost.server.status.StatusService;

/**
 * The messages of an authenticated session, one case per uplink type, handed to the service that
 * owns them. A downlink type or a second {@code auth} is {@code UNEXPECTED_MESSAGE}. The types
 * that {@link #mayWait} are dispatched in the session's {@link UplinkLane}, the others on the
 * connection's thread.
 */
final class UplinkDispatcher {
    private static final System.Logger LOG = System.getLogger(UplinkDispatcher.class.getName());

    private final StatusService status;
    private final DesiredStateService desired;
    private final CommandService commands;

    UplinkDispatcher(StatusService status, DesiredStateService desired, CommandService commands) {
        this.status = status;
        this.desired = desired;
        this.commands = commands;
    }

    /**
     * Whether handling a message of this type may wait (on the database, on another node). Only
     * the heartbeat and what is merely logged are handled where they are read.
     */
    static boolean mayWait(MessageType type) {
        return switch (type) {
            case PING, PONG, ERROR -> false;
            default -> true;
        };
    }

    /** @throws ProtocolException when the message is not valid for this session */
    void dispatch(DeviceSession session, Pdu pdu) {
        DeviceId device = session.deviceId();
        switch (pdu.type()) {
            case PING -> session.reply(pdu.id(), new Messages.Pong());
            case PONG, ERROR -> LOG.log(System.Logger.Level.DEBUG, "{0} from device {1}", pdu.type(), device);
            case STATUS -> session.reply(pdu.id(), status.report(device, pdu.body(Messages.Status.class)));
            case DESIRED_APPLIED -> desired.applied(device, pdu.body(Messages.DesiredApplied.class));
            case COMMAND_ACK -> {
                String commandId = pdu.body(Messages.CommandAck.class).commandId();
                if (!commands.acked(device, commandId)) {
                    throw new ProtocolException(ProtocolErrorCode.UNKNOWN_COMMAND, "no running command " + commandId
                            + " for this device");
                }
            }
            case COMMAND_RESULT -> storeResult(session, pdu);
            case AUTH -> throw new ProtocolException(ProtocolErrorCode.UNEXPECTED_MESSAGE, "already authenticated");
            default -> throw new ProtocolException(ProtocolErrorCode.UNEXPECTED_MESSAGE,
                    "'" + pdu.type().wireName() + "' is a downlink message");
        }
    }

    /**
     * Hands the result to the command service's result workers: the session's lane goes on to its
     * next messages while the database stores it, and the answer (protocol.md,
     * {@code command_result_ack}) follows once it is stored. A result that cannot be taken now is
     * refused at once; the device sends it again.
     */
    private void storeResult(DeviceSession session, Pdu pdu) {
        Messages.CommandResult result = pdu.body(Messages.CommandResult.class);
        boolean taken = commands.finishLater(session.deviceId(), result,
                outcome -> answerResult(session, pdu.id(), result.commandId(), outcome));
        if (!taken) {
            session.reply(pdu.id(), new Messages.Error(ProtocolErrorCode.RATE_LIMITED.name(),
                    "too many results waiting to be stored; send it again later"));
        }
    }

    private static void answerResult(DeviceSession session, String resultId, String commandId, ResultOutcome outcome) {
        Body answer = switch (outcome) {
            case STORED, DUPLICATE -> new Messages.CommandResultAck(commandId);
            case UNKNOWN -> new Messages.Error(ProtocolErrorCode.UNKNOWN_COMMAND.name(),
                    "no running command " + commandId + " for this device");
            case FAILED -> new Messages.Error(ProtocolErrorCode.INTERNAL.name(),
                    "the result could not be stored; send it again later");
        };
        // Only enqueued: the session's own writer sends it, so a device slow to read holds up nobody.
        session.reply(resultId, answer);
    }
}
