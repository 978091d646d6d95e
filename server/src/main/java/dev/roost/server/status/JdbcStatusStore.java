package dev.roost.server.status;

import dev.roost.server.common.DeviceId;
import dev.roost.server.common.Page;
import dev.roost.server.common.PageRequest;
import dev.roost.server.storage.Database;
import dev.roost.server.storage.Rows;
import io.helidon.dbclient.DbRow;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** {@link StatusStore} on the relational database; writes use JDBC batches. */
public final class JdbcStatusStore implements StatusStore {
    /**
     * A stored row is replaced only by a higher version: in a cluster an older report can still
     * wait on the node the device left. MySQL assigns left to right, so the version goes last.
     */
    private static final String UPSERT = "INSERT INTO device_status (device_id, reported_version, reported_json, "
            + "reported_at, boot_id) VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE "
            + "reported_json = CASE WHEN VALUES(reported_version) > reported_version THEN VALUES(reported_json) "
            + "ELSE reported_json END, "
            + "reported_at = CASE WHEN VALUES(reported_version) > reported_version THEN VALUES(reported_at) "
            + "ELSE reported_at END, "
            + "boot_id = CASE WHEN VALUES(reported_version) > reported_version THEN VALUES(boot_id) ELSE boot_id END, "
            + "reported_version = GREATEST(reported_version, VALUES(reported_version))";
    /** Idempotent: a batch written again after a failure that hid its commit must not fail on its own rows. */
    private static final String INSERT_HISTORY = "INSERT INTO status_history (id, device_id, recorded_at, "
            + "reported_version, reported_json) VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE id = id";

    private final Database db;

    public JdbcStatusStore(Database db) {
        this.db = db;
    }

    @Override
    public Optional<Reported> latest(DeviceId device) {
        return db.client().execute().get("SELECT reported_version, reported_json, reported_at, boot_id "
                + "FROM device_status WHERE device_id = ?", device.value()).map(row -> new Reported(
                Rows.longOf(row, "reported_version"),
                Rows.stringOf(row, "reported_json").getBytes(StandardCharsets.UTF_8),
                Rows.instantOf(row, "reported_at"), Rows.stringOf(row, "boot_id")));
    }

    @Override
    public void write(Collection<Map.Entry<DeviceId, Reported>> latest, Collection<Sample> history) {
        if (latest.isEmpty() && history.isEmpty()) {
            return;
        }
        db.inJdbcTransaction(connection -> {
            try (PreparedStatement upsert = connection.prepareStatement(UPSERT)) {
                for (Map.Entry<DeviceId, Reported> entry : latest) {
                    Reported reported = entry.getValue();
                    upsert.setLong(1, entry.getKey().value());
                    upsert.setLong(2, reported.version());
                    upsert.setString(3, new String(reported.json(), StandardCharsets.UTF_8));
                    upsert.setLong(4, reported.at().toEpochMilli());
                    upsert.setString(5, reported.bootId());
                    upsert.addBatch();
                }
                upsert.executeBatch();
            }
            try (PreparedStatement insert = connection.prepareStatement(INSERT_HISTORY)) {
                for (Sample sample : history) {
                    insert.setLong(1, sample.id());
                    insert.setLong(2, sample.device().value());
                    insert.setLong(3, sample.reported().at().toEpochMilli());
                    insert.setLong(4, sample.reported().version());
                    insert.setString(5, new String(sample.reported().json(), StandardCharsets.UTF_8));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return null;
        });
    }

    @Override
    public Page<Sample> history(DeviceId device, Optional<Instant> since, Optional<Instant> until, PageRequest page) {
        StringBuilder where = new StringBuilder(" WHERE device_id = ?");
        List<Object> params = new ArrayList<>(List.of(device.value()));
        since.ifPresent(s -> {
            where.append(" AND recorded_at >= ?");
            params.add(s.toEpochMilli());
        });
        until.ifPresent(u -> {
            where.append(" AND recorded_at < ?");
            params.add(u.toEpochMilli());
        });
        long total = db.client().execute().get("SELECT COUNT(*) AS n FROM status_history" + where, params.toArray())
                .map(row -> Rows.longOf(row, "n")).orElse(0L);
        page.after().ifPresent(before -> {
            where.append(" AND id < ?");
            params.add(before);
        });
        params.add(page.size() + 1);
        try (Stream<DbRow> rows = db.client().execute().query("SELECT id, recorded_at, reported_version, reported_json "
                + "FROM status_history" + where + " ORDER BY id DESC LIMIT ?", params.toArray())) {
            return Page.of(rows.map(row -> new Sample(Rows.longOf(row, "id"), device, new Reported(
                    Rows.longOf(row, "reported_version"),
                    Rows.stringOf(row, "reported_json").getBytes(StandardCharsets.UTF_8),
                    Rows.instantOf(row, "recorded_at"), ""))).toList(), page, Sample::id, total);
        }
    }

    @Override
    public long pruneHistory(Instant before) {
        return db.client().execute().delete("DELETE FROM status_history WHERE recorded_at < ?", before.toEpochMilli());
    }
}
