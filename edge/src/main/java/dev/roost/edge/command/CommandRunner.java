package dev.roost.edge.command;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.edge.link.Link;
import dev.roost.edge.spi.CommandHandler;
import dev.roost.edge.spi.CommandOutcome;
import dev.roost.edge.spi.CommandRequest;
import dev.roost.protocol.Messages;
import dev.roost.protocol.ProtocolErrorCode;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs downlink commands (docs/protocol.md §4 {@code command}): acknowledges, runs the handler on a
 * virtual thread with the command's timeout, records the result in the {@link CommandJournal} and
 * sends it until the server acknowledges it ({@code command_result_ack}): at once, again after
 * every connect, and again every {@code resendAfter} while no acknowledgement came (an {@code error}
 * answer such as {@code INTERNAL} means "not stored, send it again"; {@code UNKNOWN_COMMAND} means
 * the server will never take it, and the result is dropped). A command id already in the journal is
 * never run again; its recorded result is sent again. {@code reboot} is acknowledged, then waits for
 * {@code reboot_confirm} before the {@link RebootAction} runs; a reboot the device refuses, or one
 * the operating system does not start, fails with the reason. {@code restart_agent} restarts the
 * agent, not the machine: its result is recorded before the restart and sent by the restarted agent.
 */
public final class CommandRunner {
    private static final System.Logger LOG = System.getLogger(CommandRunner.class.getName());
    public static final String REBOOT = "reboot";
    public static final String RESTART_AGENT = "restart_agent";

    private final Map<String, CommandHandler> handlers;
    private final CommandJournal journal;
    private final RebootAction rebootAction;
    private final Duration defaultTimeout;
    private final Optional<Runnable> agentRestart;
    /** How long a sent result waits for its acknowledgement before it is sent again. */
    public static final Duration RESULT_RESEND_AFTER = Duration.ofSeconds(10);

    private final Map<String, Thread> running = new ConcurrentHashMap<>();
    private final Duration resendAfter;
    /** The time the ticks carry ({@link #onTick}), which resends are measured against. */
    private final Clock clock;
    /** Results sent on the current link and not answered yet: message id to command id. */
    private final Map<String, String> resultsInFlight = new ConcurrentHashMap<>();
    /** When each unacknowledged result was last sent on the current link (epoch ms), by command id. */
    private final Map<String, Long> lastSent = new ConcurrentHashMap<>();
    private volatile Link link;

    /**
     * @param agentRestart stops this agent and starts it again (from its configuration and state
     *                     directory); empty where the agent cannot restart itself (then
     *                     {@code restart_agent} fails)
     */
    public CommandRunner(Map<String, CommandHandler> handlers, CommandJournal journal, RebootAction rebootAction,
                         Duration defaultTimeout, Optional<Runnable> agentRestart) {
        this(handlers, journal, rebootAction, defaultTimeout, agentRestart, RESULT_RESEND_AFTER, Clock.systemUTC());
    }

    /** @param clock the clock of the ticker that calls {@link #onTick} */
    public CommandRunner(Map<String, CommandHandler> handlers, CommandJournal journal, RebootAction rebootAction,
                         Duration defaultTimeout, Optional<Runnable> agentRestart, Duration resendAfter, Clock clock) {
        this.handlers = Map.copyOf(handlers);
        this.journal = journal;
        this.rebootAction = rebootAction;
        this.defaultTimeout = defaultTimeout;
        this.agentRestart = agentRestart;
        this.resendAfter = resendAfter;
        this.clock = clock;
    }

    /** A session started: results not acknowledged yet (recorded offline, or lost with the last link) go out first. */
    public void onLive(Link live) {
        resultsInFlight.clear();
        lastSent.clear();
        link = live;
        for (JournalEntry entry : journal.undelivered()) {
            deliver(entry);
        }
    }

    public void onDown() {
        link = null;
        resultsInFlight.clear();
        lastSent.clear();
    }

    /** The server stored the result (or already had it): it is never sent again. */
    public void onResultAck(Messages.CommandResultAck ack) {
        lastSent.remove(ack.commandId());
        resultsInFlight.values().remove(ack.commandId());
        if (journal.find(ack.commandId()).filter(entry -> !entry.delivered()).isPresent()) {
            journal.delivered(ack.commandId());
        }
    }

    /**
     * The server answered a message with an error. For a result: {@code UNKNOWN_COMMAND} is final
     * (the command ended otherwise, e.g. timed out), anything else leaves the result to be resent.
     */
    public void onError(String replyTo, Messages.Error error) {
        String commandId = resultsInFlight.remove(replyTo);
        if (commandId == null) {
            return;
        }
        if (ProtocolErrorCode.UNKNOWN_COMMAND.name().equals(error.code())) {
            LOG.log(System.Logger.Level.WARNING, "the server refused the result of {0} ({1}); dropping it",
                    commandId, error.message());
            lastSent.remove(commandId);
            if (journal.find(commandId).filter(entry -> !entry.delivered()).isPresent()) {
                journal.delivered(commandId);
            }
        } else {
            LOG.log(System.Logger.Level.INFO, "result of {0} not stored ({1}); sending it again in {2} s",
                    commandId, error.code(), Long.toString(resendAfter.toSeconds()));
        }
    }

    /** Sends again the results that waited {@code resendAfter} for an acknowledgement. */
    public void onTick(long nowMillis) {
        if (link == null || lastSent.isEmpty()) {
            return;
        }
        for (JournalEntry entry : journal.undelivered()) {
            Long sentAt = lastSent.get(entry.commandId());
            if (sentAt != null && nowMillis - sentAt >= resendAfter.toMillis()) {
                deliver(entry);
            }
        }
    }

    /** @param pduId the id of the {@code command} message, which the ack replies to */
    public void onCommand(Link from, String pduId, Messages.Command command) {
        Optional<JournalEntry> known = journal.find(command.commandId());
        if (known.isPresent()) {
            LOG.log(System.Logger.Level.INFO, "command {0} ({1}) delivered again; not running it twice",
                    command.commandId(), command.name());
            from.reply(pduId, new Messages.CommandAck(command.commandId()));
            // A started reboot's result is the new boot id, never a message: nothing to send again.
            if (known.get().stage() == JournalEntry.Stage.DONE && !isStartedReboot(known.get())) {
                deliver(known.get());
            }
            return;
        }
        boolean reboot = REBOOT.equals(command.name());
        journal.begin(command.commandId(), command.name(),
                reboot ? JournalEntry.Stage.AWAITING_REBOOT : JournalEntry.Stage.RUNNING);
        from.reply(pduId, new Messages.CommandAck(command.commandId()));
        LOG.log(System.Logger.Level.INFO, "command {0} ({1}) accepted", command.commandId(), command.name());
        if (reboot) {
            rebootAction.refusal().ifPresent(reason ->
                    complete(command.commandId(), CommandOutcome.failed(-1, "reboot refused: " + reason)));
            return;
        }
        if (RESTART_AGENT.equals(command.name())) {
            restartAgent(command.commandId());
            return;
        }
        CommandHandler handler = handlers.get(command.name());
        if (handler == null) {
            complete(command.commandId(), CommandOutcome.failed(-1, "no handler for command '" + command.name() + "'"));
            return;
        }
        Duration timeout = command.timeoutMs() > 0 ? Duration.ofMillis(command.timeoutMs()) : defaultTimeout;
        ObjectNode params = command.params() != null ? command.params() : JsonNodeFactory.instance.objectNode();
        CommandRequest request = new CommandRequest(command.commandId(), command.name(), params, timeout);
        Thread.ofVirtual().name("roost-command-" + command.commandId()).start(() -> supervise(handler, request));
    }

    public void onRebootConfirm(Messages.RebootConfirm confirm) {
        Optional<JournalEntry> entry = journal.find(confirm.commandId());
        if (entry.isEmpty() || entry.get().stage() != JournalEntry.Stage.AWAITING_REBOOT) {
            // A refused reboot was answered already; the confirm crossed the answer.
            LOG.log(entry.isPresent() ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                    "reboot_confirm for {0}, which awaits no reboot; ignored", confirm.commandId());
            return;
        }
        // Recorded first: a redelivered reboot after the restart must not reboot again. The server
        // judges the reboot by the new boot id, so this result is never sent.
        journal.finish(confirm.commandId(), new Messages.CommandResult(confirm.commandId(),
                Messages.CommandResult.SUCCEEDED, 0, null, "rebooting"));
        journal.delivered(confirm.commandId());
        LOG.log(System.Logger.Level.INFO, "reboot {0} confirmed; rebooting", confirm.commandId());
        Thread.ofVirtual().name("roost-reboot").start(() -> {
            try {
                rebootAction.reboot();
            } catch (Exception e) {
                String reason = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
                LOG.log(System.Logger.Level.WARNING, "reboot {0} failed: {1}", confirm.commandId(), reason);
                complete(confirm.commandId(), CommandOutcome.failed(-1, "reboot failed: " + reason));
            }
        });
    }

    private void restartAgent(String commandId) {
        if (agentRestart.isEmpty()) {
            complete(commandId, CommandOutcome.failed(-1, "this agent cannot restart itself (embedded without a "
                    + "restart hook)"));
            return;
        }
        // Recorded, not sent: the restarted agent sends it on its first session, which is the evidence.
        journal.finish(commandId, new Messages.CommandResult(commandId, Messages.CommandResult.SUCCEEDED, 0,
                JsonNodeFactory.instance.objectNode().put("restarted", "agent").put("machine_rebooted", false), ""));
        LOG.log(System.Logger.Level.INFO, "command {0}: restarting the agent", commandId);
        Thread.ofVirtual().name("roost-restart-agent").start(agentRestart.get());
    }

    private static boolean isStartedReboot(JournalEntry entry) {
        return REBOOT.equals(entry.name()) && entry.result() != null
                && Messages.CommandResult.SUCCEEDED.equals(entry.result().status());
    }

    public void onCancel(Messages.CommandCancel cancel) {
        Thread worker = running.get(cancel.commandId());
        if (worker != null) {
            LOG.log(System.Logger.Level.INFO, "cancelling command {0}", cancel.commandId());
            worker.interrupt();
        }
    }

    private void supervise(CommandHandler handler, CommandRequest request) {
        CommandOutcome[] outcome = new CommandOutcome[1];
        Thread worker = Thread.ofVirtual().unstarted(() -> outcome[0] = invoke(handler, request));
        running.put(request.commandId(), worker);
        worker.start();
        try {
            if (!worker.join(request.timeout())) {
                worker.interrupt();
                worker.join(Duration.ofSeconds(5));
                outcome[0] = CommandOutcome.failed(-1, "timed out after " + request.timeout().toMillis() + " ms");
            } else if (outcome[0] == null) {
                outcome[0] = CommandOutcome.failed(-1, "cancelled");
            }
        } catch (InterruptedException e) {
            worker.interrupt();
            outcome[0] = CommandOutcome.failed(-1, "agent stopping");
        } finally {
            running.remove(request.commandId());
        }
        complete(request.commandId(), outcome[0]);
    }

    private static CommandOutcome invoke(CommandHandler handler, CommandRequest request) {
        try {
            CommandOutcome outcome = handler.handle(request);
            return outcome != null ? outcome : CommandOutcome.failed(-1, "handler returned no outcome");
        } catch (InterruptedException e) {
            return null;
        } catch (Exception | LinkageError e) {
            LOG.log(System.Logger.Level.WARNING, "command " + request.commandId() + " (" + request.name()
                    + ") failed", e);
            return CommandOutcome.failed(-1, e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
        }
    }

    private void complete(String commandId, CommandOutcome outcome) {
        Messages.CommandResult result = new Messages.CommandResult(commandId,
                outcome.succeeded() ? Messages.CommandResult.SUCCEEDED : Messages.CommandResult.FAILED,
                outcome.code(), outcome.result(), outcome.message());
        LOG.log(System.Logger.Level.INFO, "command {0} {1}: {2}", commandId, result.status(), outcome.message());
        deliver(journal.finish(commandId, result));
    }

    /** Sends the result; it stays in the journal as undelivered until the server acknowledges it. */
    private void deliver(JournalEntry entry) {
        Link current = link;
        Optional<String> sent = current != null ? current.send(entry.result()) : Optional.empty();
        if (sent.isPresent()) {
            resultsInFlight.put(sent.get(), entry.commandId());
            lastSent.put(entry.commandId(), clock.millis());
        } else {
            LOG.log(System.Logger.Level.INFO, "result of {0} kept for the next connection", entry.commandId());
        }
    }
}
