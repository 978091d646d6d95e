package dev.roost.edge.sim;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.roost.edge.agent.DesiredStateApplier;
import dev.roost.edge.command.CommandRunner;
import dev.roost.edge.link.ConnectionManager;
import dev.roost.edge.link.Link;
import dev.roost.edge.link.LinkSession;
import dev.roost.edge.status.BootId;
import dev.roost.edge.status.StatusReporter;
import dev.roost.protocol.Messages;
import dev.roost.protocol.Pdu;

import java.util.Optional;

/**
 * One simulated device: real protocol, synthetic state, instant command answers. A confirmed
 * reboot is simulated: the device reconnects with a new boot id as a rebooted machine would. Runs entirely on its
 * event loop; holds no thread. Like the agent's journal, it remembers the last command ids it
 * answered: one sent again (after a reconnect, or by another node of a cluster) is answered again,
 * not run again, and counted as a duplicate.
 */
final class SimulatedDevice implements LinkSession {
    private final StatusReporter status;
    private final DesiredStateApplier desired = DesiredStateApplier.simulated();
    private final BootId bootId;
    private final FleetStats stats;
    private ConnectionManager manager;
    /** The last {@value #REMEMBERED} command ids answered, oldest first. */
    private final java.util.ArrayDeque<String> answered = new java.util.ArrayDeque<>();
    private static final int REMEMBERED = 32;

    SimulatedDevice(StatusReporter status, BootId bootId, FleetStats stats) {
        this.status = status;
        this.bootId = bootId;
        this.stats = stats;
    }

    void attach(ConnectionManager connectionManager) {
        this.manager = connectionManager;
    }

    @Override
    public void onLive(Link link, Messages.AuthOk ok) {
        status.onLive(link);
    }

    @Override
    public void onMessage(Link link, Pdu pdu) {
        switch (pdu.type()) {
            case STATUS_ACK -> status.onAck(pdu);
            case RESYNC_REQUIRED -> status.onResync(pdu);
            case DESIRED -> desired.apply(link, pdu.body(Messages.Desired.class));
            case COMMAND -> {
                Messages.Command command = pdu.body(Messages.Command.class);
                if (answered.contains(command.commandId())) {
                    stats.duplicateCommands.incrementAndGet();
                } else {
                    stats.commands.incrementAndGet();
                    answered.addLast(command.commandId());
                    if (answered.size() > REMEMBERED) {
                        answered.removeFirst();
                    }
                }
                link.reply(pdu.id(), new Messages.CommandAck(command.commandId()));
                if (!CommandRunner.REBOOT.equals(command.name())) {
                    link.send(new Messages.CommandResult(command.commandId(), Messages.CommandResult.SUCCEEDED, 0,
                            JsonNodeFactory.instance.objectNode().put("simulated", true), "simulated"));
                }
            }
            case REBOOT_CONFIRM -> {
                bootId.renew();
                manager.reconnectNow();
            }
            default -> {
                // command_cancel and error: nothing runs long enough to cancel
            }
        }
    }

    @Override
    public void onDown() {
        status.onDown();
    }

    @Override
    public void onTick(long nowMillis) {
        status.onTick(nowMillis);
    }
}
