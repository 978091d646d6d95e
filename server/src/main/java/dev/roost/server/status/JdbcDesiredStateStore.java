package dev.roost.server.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.server.common.DeviceId;
import dev.roost.server.storage.Database;
import dev.roost.server.storage.Rows;
import io.helidon.dbclient.DbRow;

import java.time.Instant;
import java.util.Optional;

/** {@link DesiredStateStore} on the relational database, with optimistic versioning. */
public final class JdbcDesiredStateStore implements DesiredStateStore {
    private final Database db;
    private final ObjectMapper json;

    public JdbcDesiredStateStore(Database db, ObjectMapper json) {
        this.db = db;
        this.json = json;
    }

    @Override
    public Optional<DesiredState> find(DeviceId device) {
        return db.client().execute().get("SELECT version, desired_json, applied_version, applied_json, errors_json, "
                + "updated_at "
                + "FROM desired_state WHERE device_id = ?", device.value()).map(row -> state(device, row));
    }

    @Override
    public boolean replace(DeviceId device, long expectedVersion, ObjectNode desired, Instant at) {
        if (expectedVersion == 0) {
            try {
                db.client().execute().insert("INSERT INTO desired_state (device_id, version, desired_json, "
                                + "applied_version, applied_json, errors_json, updated_at) "
                                + "VALUES (?, 1, ?, 0, '{}', '{}', ?)",
                        device.value(), write(desired), at.toEpochMilli());
                return true;
            } catch (RuntimeException e) {
                if (Database.isConstraintViolation(e)) {
                    return false;
                }
                throw e;
            }
        }
        return db.client().execute().update("UPDATE desired_state SET version = version + 1, desired_json = ?, "
                        + "updated_at = ? WHERE device_id = ? AND version = ?", write(desired), at.toEpochMilli(),
                device.value(), expectedVersion) > 0;
    }

    @Override
    public void applied(DeviceId device, long version, ObjectNode applied, ObjectNode errors) {
        db.client().execute().update("UPDATE desired_state SET applied_version = ?, applied_json = ?, errors_json = ? "
                + "WHERE device_id = ? AND applied_version <= ? AND version >= ?", version, write(applied),
                write(errors), device.value(), version, version);
    }

    private DesiredState state(DeviceId device, DbRow row) {
        return new DesiredState(device, Rows.longOf(row, "version"), read(Rows.stringOf(row, "desired_json")),
                Rows.longOf(row, "applied_version"), read(Rows.stringOf(row, "applied_json")),
                read(row.column("errors_json").asOptional().map(Object::toString).orElse("{}")),
                Optional.of(Rows.instantOf(row, "updated_at")));
    }

    private String write(ObjectNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private ObjectNode read(String text) {
        try {
            return (ObjectNode) json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored desired state is not JSON", e);
        }
    }
}
