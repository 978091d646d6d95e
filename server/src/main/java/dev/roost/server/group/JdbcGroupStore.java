package dev.roost.server.group;

import dev.roost.server.common.DeviceId;
import dev.roost.server.common.GroupId;
import dev.roost.server.common.Page;
import dev.roost.server.common.PageRequest;
import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
import dev.roost.server.storage.CountCache;
import dev.roost.server.storage.Database;
import dev.roost.server.storage.Rows;
import io.helidon.dbclient.DbRow;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/** {@link GroupStore} on the relational database. */
public final class JdbcGroupStore implements GroupStore {
    private static final String SELECT = "SELECT g.id, g.name, g.description, g.created_at, g.updated_at, "
            + "(SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.id) AS member_count FROM device_groups g";

    private final Database db;
    /** Shared with the device store: membership changes alter device listing totals. */
    private final CountCache counts;

    public JdbcGroupStore(Database db, CountCache counts) {
        this.db = db;
        this.counts = counts;
    }

    @Override
    public void insert(Group group) {
        try {
            db.client().execute().insert("INSERT INTO device_groups (id, name, description, created_at, updated_at) "
                            + "VALUES (?, ?, ?, ?, ?)", group.id().value(), group.name(), group.description(),
                    group.createdAt().toEpochMilli(), group.updatedAt().toEpochMilli());
        } catch (RuntimeException e) {
            throw nameTaken(e, group.name());
        }
    }

    @Override
    public Optional<Group> find(GroupId id) {
        return db.client().execute().get(SELECT + " WHERE g.id = ?", id.value()).map(JdbcGroupStore::group);
    }

    @Override
    public Optional<Group> findByName(String name) {
        return db.client().execute().get(SELECT + " WHERE g.name = ?", name).map(JdbcGroupStore::group);
    }

    @Override
    public Page<Group> list(Optional<String> namePrefix, PageRequest page) {
        String where = namePrefix.isPresent() ? " WHERE g.name LIKE ?" : " WHERE 1 = 1";
        List<Object> params = new ArrayList<>();
        namePrefix.ifPresent(prefix -> params.add(Rows.likePrefix(prefix)));
        long total = db.client().execute().get("SELECT COUNT(*) AS n FROM device_groups g" + where, params.toArray())
                .map(row -> Rows.longOf(row, "n")).orElse(0L);
        if (page.after().isPresent()) {
            where += " AND g.id > ?";
            params.add(page.after().get());
        }
        params.add(page.size() + 1);
        try (Stream<DbRow> rows = db.client().execute().query(SELECT + where + " ORDER BY g.id LIMIT ?",
                params.toArray())) {
            return Page.of(rows.map(JdbcGroupStore::group).toList(), page, g -> g.id().value(), total);
        }
    }

    @Override
    public boolean update(GroupId id, String name, String description, Instant at) {
        try {
            return db.client().execute().update("UPDATE device_groups SET name = ?, description = ?, updated_at = ? "
                    + "WHERE id = ?", name, description, at.toEpochMilli(), id.value()) > 0;
        } catch (RuntimeException e) {
            throw nameTaken(e, name);
        }
    }

    @Override
    public boolean delete(GroupId id) {
        counts.invalidate();
        return db.inTransaction(tx -> {
            tx.delete("DELETE FROM group_members WHERE group_id = ?", id.value());
            return tx.delete("DELETE FROM device_groups WHERE id = ?", id.value()) > 0;
        });
    }

    @Override
    public long addMembers(GroupId id, Collection<DeviceId> devices, Instant at) {
        counts.invalidate();
        return db.inTransaction(tx -> {
            Set<Long> present = new HashSet<>();
            Object[] params = memberParams(id, devices);
            try (Stream<DbRow> rows = tx.query("SELECT device_id FROM group_members WHERE group_id = ? "
                    + "AND device_id IN (" + Rows.placeholders(devices) + ")", params)) {
                rows.forEach(row -> present.add(Rows.longOf(row, "device_id")));
            }
            long added = 0;
            for (DeviceId device : devices) {
                if (present.add(device.value())) {
                    tx.insert("INSERT INTO group_members (group_id, device_id, added_at) VALUES (?, ?, ?)",
                            id.value(), device.value(), at.toEpochMilli());
                    added++;
                }
            }
            return added;
        });
    }

    @Override
    public long removeMembers(GroupId id, Collection<DeviceId> devices) {
        counts.invalidate();
        return db.client().execute().delete("DELETE FROM group_members WHERE group_id = ? AND device_id IN ("
                + Rows.placeholders(devices) + ")", memberParams(id, devices));
    }

    @Override
    public Page<DeviceId> members(GroupId id, PageRequest page) {
        long total = db.client().execute().get("SELECT COUNT(*) AS n FROM group_members WHERE group_id = ?",
                id.value()).map(row -> Rows.longOf(row, "n")).orElse(0L);
        try (Stream<DbRow> rows = db.client().execute().query("SELECT device_id FROM group_members "
                        + "WHERE group_id = ? AND device_id > ? ORDER BY device_id LIMIT ?",
                id.value(), page.after().orElse(0L), page.size() + 1)) {
            return Page.of(rows.map(row -> new DeviceId(Rows.longOf(row, "device_id"))).toList(), page,
                    DeviceId::value, total);
        }
    }

    @Override
    public List<Group> groupsOf(DeviceId device) {
        try (Stream<DbRow> rows = db.client().execute().query(SELECT + " WHERE g.id IN "
                + "(SELECT group_id FROM group_members WHERE device_id = ?) ORDER BY g.name", device.value())) {
            return rows.map(JdbcGroupStore::group).toList();
        }
    }

    @Override
    public boolean isMember(GroupId id, DeviceId device) {
        return db.client().execute().get("SELECT 1 AS one FROM group_members WHERE group_id = ? AND device_id = ?",
                id.value(), device.value()).isPresent();
    }

    private static Object[] memberParams(GroupId id, Collection<DeviceId> devices) {
        Object[] params = new Object[devices.size() + 1];
        params[0] = id.value();
        int i = 1;
        for (DeviceId device : devices) {
            params[i++] = device.value();
        }
        return params;
    }

    private static RuntimeException nameTaken(RuntimeException e, String name) {
        if (Database.isConstraintViolation(e)) {
            return new RoostException(ErrorCode.ALREADY_EXISTS, "a group named '" + name + "' exists");
        }
        return e;
    }

    private static Group group(DbRow row) {
        return new Group(new GroupId(Rows.longOf(row, "id")), Rows.stringOf(row, "name"),
                Rows.stringOf(row, "description"), Rows.longOf(row, "member_count"),
                Rows.instantOf(row, "created_at"), Rows.instantOf(row, "updated_at"));
    }
}
