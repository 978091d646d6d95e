package dev.roost.server.status;

import dev.roost.server.common.DeviceId;
import dev.roost.server.common.Page;
import dev.roost.server.common.PageRequest;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Reported status held in memory, with {@link JdbcStatusStore}'s contract: a stored report is
 * replaced only by a higher version; history is read newest first. For tests of the status rules
 * without a database. It counts its writes, so that a test sees what coalescing saved.
 */
public final class InMemoryStatusStore implements StatusStore {
    private final ConcurrentMap<Long, Reported> latest = new ConcurrentHashMap<>();
    private final List<Sample> history = new CopyOnWriteArrayList<>();
    private final List<Integer> writes = new CopyOnWriteArrayList<>();

    @Override
    public Optional<Reported> latest(DeviceId device) {
        return Optional.ofNullable(latest.get(device.value()));
    }

    @Override
    public void write(Collection<Map.Entry<DeviceId, Reported>> rows, Collection<Sample> samples) {
        for (Map.Entry<DeviceId, Reported> row : rows) {
            latest.merge(row.getKey().value(), row.getValue(), (stored, next) -> next.version() > stored.version()
                    ? next : stored);
        }
        history.addAll(samples);
        writes.add(rows.size());
    }

    @Override
    public Page<Sample> history(DeviceId device, Optional<Instant> since, Optional<Instant> until, PageRequest page) {
        List<Sample> matching = history.stream()
                .filter(sample -> sample.device().equals(device))
                .filter(sample -> since.map(s -> !sample.reported().at().isBefore(s)).orElse(true))
                .filter(sample -> until.map(u -> sample.reported().at().isBefore(u)).orElse(true))
                .sorted(Comparator.comparingLong(Sample::id).reversed())
                .toList();
        List<Sample> after = matching.stream().filter(sample -> page.after().map(a -> sample.id() < a).orElse(true))
                .toList();
        return Page.of(after.stream().limit(page.size() + 1L).toList(), page, Sample::id, matching.size());
    }

    @Override
    public long pruneHistory(Instant before) {
        List<Sample> old = history.stream().filter(sample -> sample.reported().at().isBefore(before)).toList();
        history.removeAll(old);
        return old.size();
    }

    /** The number of rows of each write so far, oldest first. */
    public List<Integer> writes() {
        return List.copyOf(writes);
    }
}
