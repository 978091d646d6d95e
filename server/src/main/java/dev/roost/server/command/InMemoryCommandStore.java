package dev.roost.server.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.GroupId;
import dev.roost.server.common.Page;
import dev.roost.server.common.PageRequest;
import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * {@link CommandStore} in memory, for unit tests and single-process experiments: the same contract
 * as the database (conditional transitions, unique idempotency keys per device and per group,
 * commands in id order), nothing survives the process. One lock makes every call atomic.
 */
public final class InMemoryCommandStore implements CommandStore {
    private record DeviceKey(long device, String key) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final TreeMap<Long, Command> commands = new TreeMap<>();
    private final Map<DeviceKey, Long> keys = new HashMap<>();
    private final Map<GroupCommandId, GroupCommand> groups = new HashMap<>();
    private final Map<DeviceKey, GroupCommandId> groupKeys = new HashMap<>();

    @Override
    public void insertGroup(GroupCommand group, String idempotencyKey, List<Command> members) {
        locked(() -> {
            DeviceKey key = new DeviceKey(group.groupId().value(), idempotencyKey);
            if (groups.containsKey(group.id()) || (!idempotencyKey.isEmpty() && groupKeys.containsKey(key))
                    || members.stream().anyMatch(c -> commands.containsKey(c.id().value()))) {
                throw new RoostException(ErrorCode.ALREADY_EXISTS, "idempotency key '" + idempotencyKey
                        + "' is already used for group " + group.groupId());
            }
            groups.put(group.id(), group);
            if (!idempotencyKey.isEmpty()) {
                groupKeys.put(key, group.id());
            }
            members.forEach(c -> commands.put(c.id().value(), c));
            return null;
        });
    }

    @Override
    public Optional<Command> find(CommandId id) {
        return locked(() -> Optional.ofNullable(commands.get(id.value())));
    }

    @Override
    public Optional<Command> findByKey(DeviceId device, String idempotencyKey) {
        return locked(() -> Optional.ofNullable(keys.get(new DeviceKey(device.value(), idempotencyKey)))
                .map(commands::get));
    }

    @Override
    public Optional<GroupCommand> findGroup(GroupCommandId id) {
        return locked(() -> Optional.ofNullable(groups.get(id)).map(this::withCounts));
    }

    @Override
    public Optional<GroupCommand> findGroupByKey(GroupId groupId, String idempotencyKey) {
        return locked(() -> Optional.ofNullable(groupKeys.get(new DeviceKey(groupId.value(), idempotencyKey)))
                .map(groups::get).map(this::withCounts));
    }

    private GroupCommand withCounts(GroupCommand group) {
        return new GroupCommand(group.id(), group.groupId(), group.name(), group.params(), group.total(),
                countsByState(group.id()), group.createdAt());
    }

    /** Newest first, as the database lists them. */
    @Override
    public Page<Command> list(CommandFilter filter, PageRequest page) {
        return locked(() -> {
            Predicate<Command> matches = c -> filter.device().map(c.deviceId()::equals).orElse(true)
                    && filter.groupCommandId().map(g -> c.groupCommandId().equals(Optional.of(g))).orElse(true)
                    && (filter.states().isEmpty() || filter.states().contains(c.state()));
            long total = commands.values().stream().filter(matches).count();
            List<Command> fetched = commands.descendingMap().values().stream()
                    .filter(c -> page.after().map(after -> c.id().value() < after).orElse(true))
                    .filter(matches).limit(page.size() + 1L).toList();
            return Page.of(fetched, page, c -> c.id().value(), total);
        });
    }

    @Override
    public List<Command> active(DeviceId device, int limit) {
        return oldestFirst(c -> c.deviceId().equals(device) && !c.state().isFinal(), limit);
    }

    @Override
    public int countUndelivered(DeviceId device) {
        return oldestFirst(c -> c.deviceId().equals(device)
                && (c.state() == CommandState.QUEUED || c.state() == CommandState.SENT), Integer.MAX_VALUE).size();
    }

    @Override
    public List<Command> running() {
        return oldestFirst(c -> CommandState.RUNNING.contains(c.state()), Integer.MAX_VALUE);
    }

    @Override
    public int extendRunDeadlines(Instant floor) {
        return locked(() -> {
            int moved = 0;
            for (Command command : List.copyOf(commands.values())) {
                if (CommandState.RUNNING.contains(command.state())
                        && command.runDeadline().map(deadline -> deadline.isBefore(floor)).orElse(true)) {
                    commands.put(command.id().value(), command.withRunDeadline(floor));
                    moved++;
                }
            }
            return moved;
        });
    }

    @Override
    public List<DeviceId> devicesWithQueued(int limit) {
        return locked(() -> {
            Set<DeviceId> devices = new LinkedHashSet<>();
            for (Command command : commands.values()) {
                if (command.state() == CommandState.QUEUED) {
                    devices.add(command.deviceId());
                    if (devices.size() == limit) {
                        break;
                    }
                }
            }
            return List.copyOf(devices);
        });
    }

    @Override
    public List<Command> overdueQueued(Instant now, int limit) {
        return oldestFirst(c -> c.state() == CommandState.QUEUED && c.deliveryDeadline().isBefore(now), limit);
    }

    @Override
    public boolean markSent(CommandId id, Instant runDeadline, String bootIdBefore, Instant at) {
        return locked(() -> {
            Command command = commands.get(id.value());
            if (command == null || (command.state() != CommandState.QUEUED && command.state() != CommandState.SENT)) {
                return false;
            }
            commands.put(id.value(), command.sent(runDeadline, bootIdBefore, at));
            return true;
        });
    }

    @Override
    public boolean transition(CommandId id, Set<CommandState> from, CommandState to, Instant at,
                              Optional<JsonNode> result, int deviceStatusCode, String errorMessage) {
        return writeAll(List.of(new Transition(id, from, to, at, result, deviceStatusCode, errorMessage)))[0];
    }

    /** Checks every insert before anything is written, so that a taken key stores nothing. */
    @Override
    public boolean[] writeAll(List<? extends Write> writes) {
        return locked(() -> {
            Set<Long> newIds = new HashSet<>();
            Set<DeviceKey> newKeys = new HashSet<>();
            for (Write write : writes) {
                if (write instanceof Insert(Command command)) {
                    Optional<DeviceKey> key = command.idempotencyKey()
                            .map(k -> new DeviceKey(command.deviceId().value(), k));
                    if (commands.containsKey(command.id().value()) || !newIds.add(command.id().value())
                            || key.filter(k -> keys.containsKey(k) || !newKeys.add(k)).isPresent()) {
                        throw new RoostException(ErrorCode.ALREADY_EXISTS, "idempotency key '"
                                + command.idempotencyKey().orElse("") + "' is already used for device "
                                + command.deviceId());
                    }
                }
            }
            boolean[] applied = new boolean[writes.size()];
            for (int i = 0; i < writes.size(); i++) {
                applied[i] = switch (writes.get(i)) {
                    case Insert(Command command) -> {
                        commands.put(command.id().value(), command);
                        command.idempotencyKey().ifPresent(k -> keys.put(new DeviceKey(command.deviceId().value(), k),
                                command.id().value()));
                        yield true;
                    }
                    case Transition change -> {
                        Command command = commands.get(change.id().value());
                        if (command == null || !change.from().contains(command.state())) {
                            yield false;
                        }
                        commands.put(command.id().value(), command.moved(change.to(), change.at(), change.result(),
                                change.deviceStatusCode(), change.errorMessage()));
                        yield true;
                    }
                };
            }
            return applied;
        });
    }

    @Override
    public Map<CommandState, Long> countsByState(GroupCommandId groupCommandId) {
        return locked(() -> {
            Map<CommandState, Long> counts = new EnumMap<>(CommandState.class);
            commands.values().stream().filter(c -> c.groupCommandId().equals(Optional.of(groupCommandId)))
                    .forEach(c -> counts.merge(c.state(), 1L, Long::sum));
            return counts;
        });
    }

    private List<Command> oldestFirst(Predicate<Command> matches, int limit) {
        return locked(() -> {
            List<Command> found = new ArrayList<>();
            for (Command command : commands.values()) {
                if (found.size() == limit) {
                    break;
                }
                if (matches.test(command)) {
                    found.add(command);
                }
            }
            return found;
        });
    }

    private <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }
}
