package dev.roost.edge.agent;

import dev.roost.edge.command.CommandRunner;
import dev.roost.edge.link.Link;
import dev.roost.edge.link.LinkSession;
import dev.roost.edge.status.StatusReporter;
import dev.roost.protocol.Messages;
import dev.roost.protocol.Pdu;

/** The agent's protocol logic over a live link: routes each downlink message to its component. */
final class AgentSession implements LinkSession {
    private final StatusReporter status;
    private final DesiredStateApplier desired;
    private final CommandRunner commands;

    AgentSession(StatusReporter status, DesiredStateApplier desired, CommandRunner commands) {
        this.status = status;
        this.desired = desired;
        this.commands = commands;
    }

    @Override
    public void onLive(Link link, Messages.AuthOk ok) {
        status.onLive(link);
        commands.onLive(link);
    }

    @Override
    public void onMessage(Link link, Pdu pdu) {
        switch (pdu.type()) {
            case STATUS_ACK -> status.onAck(pdu);
            case RESYNC_REQUIRED -> status.onResync(pdu);
            case DESIRED -> {
                if (desired.apply(link, pdu.body(Messages.Desired.class))) {
                    status.reportSoon();
                }
            }
            case COMMAND -> commands.onCommand(link, pdu.id(), pdu.body(Messages.Command.class));
            case REBOOT_CONFIRM -> commands.onRebootConfirm(pdu.body(Messages.RebootConfirm.class));
            case COMMAND_CANCEL -> commands.onCancel(pdu.body(Messages.CommandCancel.class));
            case COMMAND_RESULT_ACK -> commands.onResultAck(pdu.body(Messages.CommandResultAck.class));
            // Logged by the link; an answer to a result decides whether it is sent again.
            case ERROR -> pdu.replyTo().ifPresent(replyTo -> commands.onError(replyTo, pdu.body(Messages.Error.class)));
            default -> {
            }
        }
    }

    @Override
    public void onDown() {
        status.onDown();
        commands.onDown();
    }

    @Override
    public void onTick(long nowMillis) {
        status.onTick(nowMillis);
        commands.onTick(nowMillis);
    }
}
