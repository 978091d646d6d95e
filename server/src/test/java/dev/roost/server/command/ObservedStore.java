package dev.roost.server.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.GroupId;
import dev.roost.server.common.Page;
import dev.roost.server.common.PageRequest;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The in-memory store as the service sees it, with what a test needs to watch and to time: how
 * often a device's active commands and commands by id were read, something to do right after the next such read (a
 * write that commits after the read took its rows, as another thread's would), something to do
 * before the next read by id (hold the reader), the sizes of the group commits, and something to do
 * before the next one (hold the writer).
 */
final class ObservedStore implements CommandStore {
    private final InMemoryCommandStore store;
    private final AtomicInteger activeReads = new AtomicInteger();
    private final AtomicInteger finds = new AtomicInteger();
    private final AtomicReference<Runnable> afterNextActiveRead = new AtomicReference<>();
    private final AtomicReference<Runnable> beforeNextWrite = new AtomicReference<>();
    private final AtomicReference<Runnable> beforeNextFind = new AtomicReference<>();
    private final List<Integer> writeSizes = new CopyOnWriteArrayList<>();
    private final List<Write> written = new CopyOnWriteArrayList<>();

    ObservedStore(InMemoryCommandStore store) {
        this.store = store;
    }

    int activeReads() {
        return activeReads.get();
    }

    /** How often a command was read by id. */
    int finds() {
        return finds.get();
    }

    /** Runs {@code action} once, on the reading thread, after the next read of active commands. */
    void afterNextActiveRead(Runnable action) {
        afterNextActiveRead.set(action);
    }

    /** Runs {@code action} once, on the writer's thread, before the next {@link #writeAll}. */
    void beforeNextWrite(Runnable action) {
        beforeNextWrite.set(action);
    }

    /** Runs {@code action} once, on the reading thread, before the next read of a command by id. */
    void beforeNextFind(Runnable action) {
        beforeNextFind.set(action);
    }

    /** Every write handed to {@link #writeAll}, in order. */
    List<Write> written() {
        return List.copyOf(written);
    }

    /** How many writes each {@link #writeAll} carried, in order. */
    List<Integer> writeSizes() {
        return List.copyOf(writeSizes);
    }

    @Override
    public List<Command> active(DeviceId device, int limit) {
        activeReads.incrementAndGet();
        List<Command> found = store.active(device, limit);
        Runnable action = afterNextActiveRead.getAndSet(null);
        if (action != null) {
            action.run();
        }
        return found;
    }

    @Override
    public void insertGroup(GroupCommand group, String idempotencyKey, List<Command> commands) {
        store.insertGroup(group, idempotencyKey, commands);
    }

    @Override
    public Optional<Command> find(CommandId id) {
        finds.incrementAndGet();
        Runnable action = beforeNextFind.getAndSet(null);
        if (action != null) {
            action.run();
        }
        return store.find(id);
    }

    @Override
    public Optional<Command> findByKey(DeviceId device, String idempotencyKey) {
        return store.findByKey(device, idempotencyKey);
    }

    @Override
    public Optional<GroupCommand> findGroup(GroupCommandId id) {
        return store.findGroup(id);
    }

    @Override
    public Optional<GroupCommand> findGroupByKey(GroupId groupId, String idempotencyKey) {
        return store.findGroupByKey(groupId, idempotencyKey);
    }

    @Override
    public Page<Command> list(CommandFilter filter, PageRequest page) {
        return store.list(filter, page);
    }

    @Override
    public int countUndelivered(DeviceId device) {
        return store.countUndelivered(device);
    }

    @Override
    public List<Command> running() {
        return store.running();
    }

    @Override
    public int extendRunDeadlines(Instant floor) {
        return store.extendRunDeadlines(floor);
    }

    @Override
    public List<DeviceId> devicesWithQueued(int limit) {
        return store.devicesWithQueued(limit);
    }

    @Override
    public List<Command> overdueQueued(Instant now, int limit) {
        return store.overdueQueued(now, limit);
    }

    @Override
    public boolean markSent(CommandId id, Instant runDeadline, String bootIdBefore, Instant at) {
        return store.markSent(id, runDeadline, bootIdBefore, at);
    }

    @Override
    public boolean transition(CommandId id, Set<CommandState> from, CommandState to, Instant at,
                              Optional<JsonNode> result, int deviceStatusCode, String errorMessage) {
        return store.transition(id, from, to, at, result, deviceStatusCode, errorMessage);
    }

    @Override
    public Map<CommandState, Long> countsByState(GroupCommandId groupCommandId) {
        return store.countsByState(groupCommandId);
    }

    @Override
    public boolean[] writeAll(List<? extends Write> writes) {
        Runnable action = beforeNextWrite.getAndSet(null);
        if (action != null) {
            action.run();
        }
        writeSizes.add(writes.size());
        written.addAll(writes);
        return store.writeAll(writes);
    }
}
