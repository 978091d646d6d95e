package dev.roost.server.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.GroupId;
import dev.roost.server.common.Page;
import dev.roost.server.common.PageRequest;
import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
import dev.roost.server.storage.Database;
import dev.roost.server.storage.Rows;
import io.helidon.dbclient.DbRow;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@link CommandStore} on the relational database. Over 300 lines because it is the one place that
 * knows the {@code commands} and {@code group_commands} tables: every query, the batched transition
 * writes and the row mapping stay together so a column change touches one class.
 */
public final class JdbcCommandStore implements CommandStore {
    private static final String COLUMNS = "id, device_id, name, params_json, state, result_json, device_status_code, "
            + "error_message, idempotency_key, group_command_id, created_at, updated_at, timeout_ms, "
            + "delivery_deadline, run_deadline, boot_id_before";
    private static final String ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT = "INSERT INTO commands (" + COLUMNS + ") VALUES " + ROW;
    /** New commands per multi-row INSERT of a group commit. */
    private static final int ROWS_PER_INSERT = 100;
    /** {@code commands.group_command_id} of a command sent to one device (the column is NOT NULL). */
    private static final long NO_GROUP = 0;

    private final Database db;
    private final ObjectMapper json;

    public JdbcCommandStore(Database db, ObjectMapper json) {
        this.db = db;
        this.json = json;
    }

    @Override
    public void insertGroup(GroupCommand group, String idempotencyKey, List<Command> commands) {
        try {
            db.inJdbcTransaction(connection -> {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO group_commands (id, group_id, "
                        + "name, params_json, total, idempotency_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    insert.setLong(1, group.id().value());
                    insert.setLong(2, group.groupId().value());
                    insert.setString(3, group.name());
                    insert.setString(4, write(group.params()));
                    insert.setLong(5, group.total());
                    if (idempotencyKey.isEmpty()) {
                        insert.setNull(6, Types.VARCHAR);
                    } else {
                        insert.setString(6, idempotencyKey);
                    }
                    insert.setLong(7, group.createdAt().toEpochMilli());
                    insert.executeUpdate();
                }
                try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                    for (Command command : commands) {
                        Object[] values = values(command);
                        for (int i = 0; i < values.length; i++) {
                            insert.setObject(i + 1, values[i]);
                        }
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                return null;
            });
        } catch (RuntimeException e) {
            if (Database.isConstraintViolation(e)) {
                throw new RoostException(ErrorCode.ALREADY_EXISTS, "idempotency key '" + idempotencyKey
                        + "' is already used for group " + group.groupId());
            }
            throw e;
        }
    }

    @Override
    public Optional<Command> find(CommandId id) {
        return db.client().execute().get("SELECT " + COLUMNS + " FROM commands WHERE id = ?", id.value())
                .map(this::command);
    }

    @Override
    public Optional<Command> findByKey(DeviceId device, String idempotencyKey) {
        return db.client().execute().get("SELECT " + COLUMNS + " FROM commands WHERE device_id = ? "
                + "AND idempotency_key = ?", device.value(), idempotencyKey).map(this::command);
    }

    @Override
    public Optional<GroupCommand> findGroup(GroupCommandId id) {
        return db.client().execute().get("SELECT id, group_id, name, params_json, total, created_at "
                + "FROM group_commands WHERE id = ?", id.value()).map(this::group);
    }

    @Override
    public Optional<GroupCommand> findGroupByKey(GroupId groupId, String idempotencyKey) {
        return db.client().execute().get("SELECT id, group_id, name, params_json, total, created_at "
                + "FROM group_commands WHERE group_id = ? AND idempotency_key = ?", groupId.value(), idempotencyKey)
                .map(this::group);
    }

    @Override
    public Page<Command> list(CommandFilter filter, PageRequest page) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        filter.device().ifPresent(device -> {
            where.append(" AND device_id = ?");
            params.add(device.value());
        });
        filter.groupCommandId().ifPresent(group -> {
            where.append(" AND group_command_id = ?");
            params.add(group.value());
        });
        if (!filter.states().isEmpty()) {
            where.append(" AND state IN (").append(Rows.placeholders(filter.states())).append(')');
            filter.states().forEach(state -> params.add(state.name()));
        }
        long total = db.client().execute().get("SELECT COUNT(*) AS n FROM commands" + where, params.toArray())
                .map(row -> Rows.longOf(row, "n")).orElse(0L);
        page.after().ifPresent(before -> {
            where.append(" AND id < ?");
            params.add(before);
        });
        params.add(page.size() + 1);
        try (Stream<DbRow> rows = db.client().execute().query("SELECT " + COLUMNS + " FROM commands" + where
                + " ORDER BY id DESC LIMIT ?", params.toArray())) {
            return Page.of(rows.map(this::command).toList(), page, c -> c.id().value(), total);
        }
    }

    @Override
    public List<Command> active(DeviceId device, int limit) {
        try (Stream<DbRow> rows = db.client().execute().query("SELECT " + COLUMNS + " FROM commands "
                + "WHERE device_id = ? AND state IN ('QUEUED', 'SENT', 'ACKED') ORDER BY id LIMIT ?", device.value(),
                limit)) {
            return rows.map(this::command).toList();
        }
    }

    @Override
    public int countUndelivered(DeviceId device) {
        return (int) db.client().execute().get("SELECT COUNT(*) AS n FROM commands WHERE device_id = ? "
                + "AND state IN ('QUEUED', 'SENT')", device.value()).map(row -> Rows.longOf(row, "n")).orElse(0L)
                .longValue();
    }

    @Override
    public List<Command> running() {
        try (Stream<DbRow> rows = db.client().execute().query("SELECT " + COLUMNS + " FROM commands "
                + "WHERE state IN ('SENT', 'ACKED')")) {
            return rows.map(this::command).toList();
        }
    }

    @Override
    public int extendRunDeadlines(Instant floor) {
        return (int) db.client().execute().update("UPDATE commands SET run_deadline = ? "
                + "WHERE state IN ('SENT', 'ACKED') AND run_deadline < ?", floor.toEpochMilli(), floor.toEpochMilli());
    }

    @Override
    public List<DeviceId> devicesWithQueued(int limit) {
        try (Stream<DbRow> rows = db.client().execute().query("SELECT DISTINCT device_id FROM commands "
                + "WHERE state = 'QUEUED' LIMIT ?", limit)) {
            return rows.map(row -> new DeviceId(Rows.longOf(row, "device_id"))).toList();
        }
    }

    @Override
    public List<Command> overdueQueued(Instant now, int limit) {
        try (Stream<DbRow> rows = db.client().execute().query("SELECT " + COLUMNS + " FROM commands "
                + "WHERE state = 'QUEUED' AND delivery_deadline < ? ORDER BY id LIMIT ?", now.toEpochMilli(), limit)) {
            return rows.map(this::command).toList();
        }
    }

    @Override
    public boolean markSent(CommandId id, Instant runDeadline, String bootIdBefore, Instant at) {
        return db.client().execute().update("UPDATE commands SET state = 'SENT', run_deadline = ?, boot_id_before = ?, "
                        + "updated_at = ? WHERE id = ? AND state IN ('QUEUED', 'SENT')", runDeadline.toEpochMilli(),
                bootIdBefore, at.toEpochMilli(), id.value()) > 0;
    }

    @Override
    public boolean transition(CommandId id, Set<CommandState> from, CommandState to, Instant at,
                              Optional<JsonNode> result, int deviceStatusCode, String errorMessage) {
        List<Object> params = new ArrayList<>();
        String sql = transitionSql(new Transition(id, from, to, at, result, deviceStatusCode, errorMessage), params);
        return db.client().execute().update(sql, params.toArray()) > 0;
    }

    private String transitionSql(Transition change, List<Object> params) {
        params.add(change.to().name());
        params.add(change.at().toEpochMilli());
        StringBuilder set = new StringBuilder("UPDATE commands SET state = ?, updated_at = ?");
        if (change.result().isPresent()) {
            set.append(", result_json = ?, device_status_code = ?, error_message = ?");
            params.add(write(change.result().get()));
            params.add(change.deviceStatusCode());
            params.add(change.errorMessage());
        } else if (!change.errorMessage().isEmpty()) {
            set.append(", error_message = ?");
            params.add(change.errorMessage());
        }
        if (change.to() == CommandState.QUEUED) {
            set.append(", run_deadline = 0");
        }
        set.append(" WHERE id = ? AND state IN (").append(Rows.placeholders(change.from())).append(')');
        params.add(change.id().value());
        change.from().forEach(state -> params.add(state.name()));
        return set.toString();
    }

    /**
     * One transaction. New commands are gathered into multi-row {@code INSERT}s and
     * acknowledgements (SENT → ACKED, no result) into one {@code UPDATE ... WHERE id IN (...)};
     * both are written before any later write of the same command, never after it. Every other
     * change is its own conditional UPDATE, in order. A taken idempotency key rolls back all.
     */
    @Override
    public boolean[] writeAll(List<? extends Write> writes) {
        boolean[] applied = new boolean[writes.size()];
        try {
            db.inJdbcTransaction(connection -> {
                Deferred<Command> inserts = new Deferred<>(rows -> insertRows(connection, rows));
                Deferred<Transition> acks = new Deferred<>(changes -> writeAcks(connection, changes));
                for (int i = 0; i < writes.size(); i++) {
                    Write write = writes.get(i);
                    inserts.flushIfHolds(write.id());
                    acks.flushIfHolds(write.id());
                    applied[i] = switch (write) {
                        case Insert insert -> inserts.add(insert.id(), insert.command());
                        case Transition change when isPlainAck(change) -> acks.add(change.id(), change);
                        case Transition change -> update(connection, change);
                    };
                }
                inserts.flush();
                acks.flush();
                return null;
            });
        } catch (RuntimeException e) {
            if (Database.isConstraintViolation(e) && writes.stream().anyMatch(Insert.class::isInstance)) {
                throw new RoostException(ErrorCode.ALREADY_EXISTS, writes.size() == 1
                        && writes.getFirst() instanceof Insert(Command command)
                        ? "idempotency key '" + command.idempotencyKey().orElse("") + "' is already used for device "
                                + command.deviceId()
                        : "an idempotency key of the batch is already used");
            }
            throw e;
        }
        return applied;
    }

    /** Writes of one kind held back to be written together, in their order. */
    private static final class Deferred<T> {
        private final SqlBatch<T> writer;
        private final List<T> held = new ArrayList<>();
        private final Set<Long> ids = new HashSet<>();

        Deferred(SqlBatch<T> writer) {
            this.writer = writer;
        }

        /** Holds it back; it counts as applied. */
        boolean add(CommandId id, T write) {
            held.add(write);
            ids.add(id.value());
            return true;
        }

        void flushIfHolds(CommandId id) throws SQLException {
            if (ids.contains(id.value())) {
                flush();
            }
        }

        void flush() throws SQLException {
            if (!held.isEmpty()) {
                writer.write(held);
            }
            held.clear();
            ids.clear();
        }
    }

    @FunctionalInterface
    private interface SqlBatch<T> {
        void write(List<T> rows) throws SQLException;
    }

    private boolean update(Connection connection, Transition change) throws SQLException {
        List<Object> params = new ArrayList<>();
        try (PreparedStatement update = connection.prepareStatement(transitionSql(change, params))) {
            for (int p = 0; p < params.size(); p++) {
                update.setObject(p + 1, params.get(p));
            }
            return update.executeUpdate() > 0;
        }
    }

    private void insertRows(Connection connection, List<Command> commands) throws SQLException {
        for (int from = 0; from < commands.size(); from += ROWS_PER_INSERT) {
            List<Command> chunk = commands.subList(from, Math.min(commands.size(), from + ROWS_PER_INSERT));
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO commands (" + COLUMNS
                    + ") VALUES " + String.join(", ", Collections.nCopies(chunk.size(), ROW)))) {
                int p = 1;
                for (Command command : chunk) {
                    for (Object value : values(command)) {
                        insert.setObject(p++, value);
                    }
                }
                insert.executeUpdate();
            }
        }
    }

    private static boolean isPlainAck(Transition change) {
        return change.to() == CommandState.ACKED && change.result().isEmpty() && change.errorMessage().isEmpty()
                && change.from().equals(EnumSet.of(CommandState.SENT));
    }

    private static void writeAcks(Connection connection, List<Transition> acks) throws SQLException {
        if (acks.isEmpty()) {
            return;
        }
        long at = acks.stream().mapToLong(ack -> ack.at().toEpochMilli()).max().orElseThrow();
        try (PreparedStatement update = connection.prepareStatement("UPDATE commands SET state = 'ACKED', "
                + "updated_at = ? WHERE state = 'SENT' AND id IN (" + Rows.placeholders(acks) + ")")) {
            update.setLong(1, at);
            for (int i = 0; i < acks.size(); i++) {
                update.setLong(i + 2, acks.get(i).id().value());
            }
            update.executeUpdate();
        }
    }

    @Override
    public Map<CommandState, Long> countsByState(GroupCommandId groupCommandId) {
        Map<CommandState, Long> counts = new EnumMap<>(CommandState.class);
        try (Stream<DbRow> rows = db.client().execute().query("SELECT state, COUNT(*) AS n FROM commands "
                + "WHERE group_command_id = ? GROUP BY state", groupCommandId.value())) {
            rows.forEach(row -> counts.put(CommandState.valueOf(Rows.stringOf(row, "state")), Rows.longOf(row, "n")));
        }
        return counts;
    }

    private Object[] values(Command command) {
        return new Object[] {command.id().value(), command.deviceId().value(), command.name(), write(command.params()),
                command.state().name(), write(command.result()), command.deviceStatusCode(), command.errorMessage(),
                command.idempotencyKey().orElse(null), command.groupCommandId().map(GroupCommandId::value).orElse(NO_GROUP),
                command.createdAt().toEpochMilli(),
                command.updatedAt().toEpochMilli(), command.timeout().toMillis(),
                command.deliveryDeadline().toEpochMilli(), Rows.millis(command.runDeadline()), command.bootIdBefore()};
    }

    private Command command(DbRow row) {
        return new Command(new CommandId(Rows.longOf(row, "id")), new DeviceId(Rows.longOf(row, "device_id")),
                Rows.stringOf(row, "name"), (ObjectNode) read(Rows.stringOf(row, "params_json")),
                CommandState.valueOf(Rows.stringOf(row, "state")), read(Rows.stringOf(row, "result_json")),
                (int) Rows.longOf(row, "device_status_code"), Rows.stringOf(row, "error_message"),
                row.column("idempotency_key").asOptional().map(Object::toString),
                groupCommandId(Rows.longOf(row, "group_command_id")), Rows.instantOf(row, "created_at"),
                Rows.instantOf(row, "updated_at"), Duration.ofMillis(Rows.longOf(row, "timeout_ms")),
                Rows.instantOf(row, "delivery_deadline"), Rows.optionalInstantOf(row, "run_deadline"),
                Rows.stringOf(row, "boot_id_before"));
    }

    private static Optional<GroupCommandId> groupCommandId(long column) {
        return column == NO_GROUP ? Optional.empty() : Optional.of(new GroupCommandId(column));
    }

    private GroupCommand group(DbRow row) {
        GroupCommandId id = new GroupCommandId(Rows.longOf(row, "id"));
        return new GroupCommand(id, new GroupId(Rows.longOf(row, "group_id")), Rows.stringOf(row, "name"),
                (ObjectNode) read(Rows.stringOf(row, "params_json")), Rows.longOf(row, "total"), countsByState(id),
                Rows.instantOf(row, "created_at"));
    }

    private String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode read(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored command JSON is corrupt", e);
        }
    }
}
