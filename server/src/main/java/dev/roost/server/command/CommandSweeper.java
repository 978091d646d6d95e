package dev.roost.server.command;

import dev.roost.server.common.DeviceId;
import dev.roost.server.device.DeviceLink;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One periodic sweep over all commands, no timer per command: running commands past their run
 * deadline time out, queued ones past their delivery deadline expire, and every few sweeps the
 * queued commands of online devices are delivered (a send whose immediate delivery failed is not
 * left to the device's next reconnect). Sweeps start only once the device listener is open, after
 * the restart grace was given to the commands left running by the previous process.
 */
final class CommandSweeper implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CommandSweeper.class.getName());
    /** With the default 500 ms sweep: every 5 s. */
    private static final int QUEUED_CHECK_EVERY_SWEEPS = 10;
    private static final int BATCH = 1000;

    private final CommandStore store;
    private final RunningCommands running;
    private final CommandFinisher finisher;
    private final CommandDelivery delivery;
    private final DeviceLink link;
    private final Clock clock;
    private final CommandSettings settings;
    private final RestartGrace restartGrace;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("roost-command-sweep").daemon().factory());
    private final AtomicBoolean started = new AtomicBoolean();
    private long sweeps;

    CommandSweeper(CommandStore store, RunningCommands running, CommandFinisher finisher, CommandDelivery delivery,
                   DeviceLink link, Clock clock, CommandSettings settings) {
        this.store = store;
        this.running = running;
        this.finisher = finisher;
        this.delivery = delivery;
        this.link = link;
        this.clock = clock;
        this.settings = settings;
        this.restartGrace = new RestartGrace(settings.restartGrace());
    }

    /**
     * The device listener is open: commands still running from before the start get the restart
     * grace ({@link RestartGrace}), and only then do sweeps start: an earlier sweep would time
     * commands out while their devices could not even connect. Later calls do nothing.
     */
    void start() {
        if (!started.compareAndSet(false, true)) {
            return;
        }
        Instant floor = restartGrace.floor(clock.instant());
        running.replaceAll(command -> RestartGrace.applied(command, floor));
        int extended = store.extendRunDeadlines(floor);
        if (extended > 0) {
            LOG.log(System.Logger.Level.INFO, "{0} commands running before the start may run until {1} (restart "
                    + "grace {2})", String.valueOf(extended), floor, settings.restartGrace());
        }
        long every = settings.sweepInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "command sweep failed", e);
        }
    }

    /** One sweep (the scheduler's; tests call it directly with their clock). */
    void sweep() {
        Instant now = clock.instant();
        List<CompletableFuture<Boolean>> timeouts = new ArrayList<>();
        for (Command command : running.all()) {
            if (command.runDeadline().map(deadline -> deadline.isBefore(now)).orElse(false)) {
                // All of this round's timeouts share group commits instead of one commit each.
                timeouts.add(finisher.finishAsync(command, CommandState.RUNNING, CommandState.TIMED_OUT,
                        Optional.empty(), 0, "no result within " + command.timeout().toMillis() + " ms", "system")
                        .thenApply(applied -> {
                            if (!applied) {
                                running.remove(command);
                            }
                            return applied;
                        }));
            }
        }
        for (CompletableFuture<Boolean> timeout : timeouts) {
            CommandFinisher.joined(timeout);
        }
        for (Command overdue : store.overdueQueued(now, BATCH)) {
            finisher.expire(overdue);
        }
        if (++sweeps % QUEUED_CHECK_EVERY_SWEEPS == 0) {
            for (DeviceId device : store.devicesWithQueued(BATCH)) {
                if (link.isOnline(device)) {
                    delivery.deliverPendingAsync(device, false);
                }
            }
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
