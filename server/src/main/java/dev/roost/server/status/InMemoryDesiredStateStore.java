package dev.roost.server.status;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.server.common.DeviceId;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Desired state held in memory, with {@link JdbcDesiredStateStore}'s contract: a replace succeeds
 * only from the expected version (0 = none stored yet), and an applied report never moves the
 * applied version back nor beyond the stored version. For tests of the rules without a database,
 * and for a single process that needs no durability.
 */
public final class InMemoryDesiredStateStore implements DesiredStateStore {
    private final ConcurrentMap<Long, DesiredState> states = new ConcurrentHashMap<>();

    @Override
    public Optional<DesiredState> find(DeviceId device) {
        return Optional.ofNullable(states.get(device.value())).map(InMemoryDesiredStateStore::copy);
    }

    @Override
    public boolean replace(DeviceId device, long expectedVersion, ObjectNode desired, Instant at) {
        boolean[] replaced = {false};
        states.compute(device.value(), (id, stored) -> {
            long version = stored == null ? 0 : stored.version();
            if (version != expectedVersion) {
                return stored;
            }
            replaced[0] = true;
            return new DesiredState(device, version + 1, desired.deepCopy(),
                    stored == null ? 0 : stored.appliedVersion(),
                    stored == null ? JsonNodeFactory.instance.objectNode() : stored.applied(),
                    stored == null ? JsonNodeFactory.instance.objectNode() : stored.errors(), Optional.of(at));
        });
        return replaced[0];
    }

    @Override
    public void applied(DeviceId device, long version, ObjectNode applied, ObjectNode errors) {
        states.computeIfPresent(device.value(), (id, stored) -> stored.appliedVersion() <= version
                && stored.version() >= version
                ? new DesiredState(device, stored.version(), stored.desired(), version, applied.deepCopy(),
                        errors.deepCopy(), stored.updatedAt())
                : stored);
    }

    private static DesiredState copy(DesiredState state) {
        return new DesiredState(state.deviceId(), state.version(), state.desired().deepCopy(), state.appliedVersion(),
                state.applied().deepCopy(), state.errors().deepCopy(), state.updatedAt());
    }
}
