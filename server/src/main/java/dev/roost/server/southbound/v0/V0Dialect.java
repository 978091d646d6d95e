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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The legacy controller's dialect: a connection without a subprotocol whose first frame is a
 * JSON object with {@code password} and no {@code type} (v0-protocol.md §1, §3). Holds what the
 * v0 sessions share: their timers (order deadlines and held refusals), and the restarts waiting for
 * their controller to log in again. The timers are due times on the server's clock, run by one
 * sweep every {@value #TICK_MILLIS} ms (no task per connection), so that a test's clock decides when
 * they run.
 */
public final class V0Dialect implements FirstFrameDialect, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(V0Dialect.class.getName());

    /**
     * How long a throttled login is held before its refusal: the controller reconnects at once
     * after a refusal, so an answer held for a while turns its tight loop into one attempt per
     * hold. Below the controller's own 6 s wait, so that it still reads the answer.
     */
    static final Duration REFUSAL_HOLD = Duration.ofSeconds(5);
    /** How often due timers are looked for: the hold above is up to this much longer. */
    static final long TICK_MILLIS = 100;

    /**
     * A task due at {@code dueMillis}; {@code order} keeps tasks due at the same time in their order.
     * {@code refusal}: a held login refusal (counted by {@link #heldRefusals()}).
     */
    private record Timer(long dueMillis, long order, Runnable task, boolean refusal) {
    }

    private final DeviceAuthenticator authenticator;
    private final StatusService status;
    private final CommandService commands;
    private final ObjectMapper json;
    private final Clock clock;
    private final Duration refusalHold;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("roost-v0-timers").daemon().factory());
    private final ReentrantLock timersLock = new ReentrantLock();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(
            Comparator.comparingLong(Timer::dueMillis).thenComparingLong(Timer::order));
    private long timerCount;
    private int heldRefusals;
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
        ticker.scheduleWithFixedDelay(this::runDueQuietly, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
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

    /** Runs {@code task} on a virtual thread of its own once the clock is {@code after} further on. */
    void schedule(Runnable task, Duration after) {
        add(task, after, false);
    }

    /** Sends {@code refusal} after {@code hold}; counted meanwhile in {@link #heldRefusals()}. */
    void holdRefusal(Runnable refusal, Duration hold) {
        add(refusal, hold, true);
    }

    private void add(Runnable task, Duration after, boolean refusal) {
        long due = clock.millis() + Math.max(0, after.toMillis());
        timersLock.lock();
        try {
            timers.add(new Timer(due, timerCount++, task, refusal));
            if (refusal) {
                heldRefusals++;
            }
        } finally {
            timersLock.unlock();
        }
    }

    /** Throttled logins whose refusal is not due yet. */
    public int heldRefusals() {
        timersLock.lock();
        try {
            return heldRefusals;
        } finally {
            timersLock.unlock();
        }
    }

    /** One sweep (the ticker's; tests call it after moving the clock): starts every task whose time has come. */
    void runDue() {
        long now = clock.millis();
        List<Runnable> due = new ArrayList<>();
        timersLock.lock();
        try {
            while (!timers.isEmpty() && timers.peek().dueMillis() <= now) {
                Timer timer = timers.poll();
                if (timer.refusal()) {
                    heldRefusals--;
                }
                due.add(timer.task());
            }
        } finally {
            timersLock.unlock();
        }
        due.forEach(task -> Thread.ofVirtual().start(task));
    }

    private void runDueQuietly() {
        try {
            runDue();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "v0 timers failed", e);
        }
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
        ticker.shutdownNow();
    }
}
