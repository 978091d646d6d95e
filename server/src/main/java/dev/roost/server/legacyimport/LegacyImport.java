package dev.roost.server.legacyimport;

import dev.roost.server.common.DeviceId;
import dev.roost.server.common.DeviceState;
import dev.roost.server.common.GroupId;
import dev.roost.server.common.Snowflake;
import dev.roost.server.common.Validation;
import dev.roost.server.device.Device;
import dev.roost.server.device.DeviceStore;
import dev.roost.server.device.Hardware;
import dev.roost.server.device.NetworkInterface;
import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
import dev.roost.server.event.DeviceEvent;
import dev.roost.server.event.EventDetail;
import dev.roost.server.event.EventType;
import dev.roost.server.group.Group;
import dev.roost.server.group.GroupStore;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Copies the legacy tables {@code devices}, {@code group_info} and {@code relations} into Roost.
 *
 * <ul>
 *   <li>Device ids and group ids are kept: a legacy device id (a decimal Snowflake of the legacy
 *   system, about 7.3e18 today) is a positive 64-bit number and so a valid Roost device id; Roost's
 *   own ids count from 2024-01-01 and stay far below it. A legacy id that is not a positive 64-bit
 *   number is skipped.</li>
 *   <li>The bcrypt hash ({@code $2a$}, {@code $2b$}, {@code $2y$}) is kept as it is: Roost's
 *   verifier takes all three, so devices log in with their existing passwords.</li>
 *   <li>Imported devices are REGISTERED (they never connected to Roost); {@code dev_state} is not
 *   copied. Times are kept; {@code software_last_update} becomes the start of that day in UTC.</li>
 *   <li>Idempotent: a row already in Roost is compared and updated only where it differs (device
 *   fields, secret hash, group name and description); a membership is added only when missing.
 *   Rows Roost cannot take are skipped with the reason; each row is written on its own.</li>
 * </ul>
 */
public final class LegacyImport {
    private static final Pattern BCRYPT = Pattern.compile("^\\$2[aby]\\$\\d{2}\\$[./A-Za-z0-9]{53}$");
    static final String ACTOR = "import-legacy";

    private final DeviceStore devices;
    private final GroupStore groups;
    private final Snowflake ids;
    private final Clock clock;

    public LegacyImport(DeviceStore devices, GroupStore groups, Snowflake ids, Clock clock) {
        this.devices = devices;
        this.groups = groups;
        this.ids = ids;
        this.clock = clock;
    }

    /** Reads the legacy database through {@code legacy} (read-only use) and writes Roost's. */
    public ImportReport run(Connection legacy) throws SQLException {
        ImportReport report = new ImportReport();
        try (Statement statement = legacy.createStatement()) {
            try (ResultSet rows = statement.executeQuery("SELECT * FROM devices ORDER BY device_id")) {
                while (rows.next()) {
                    importDevice(rows, report.devices());
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT * FROM group_info ORDER BY group_id")) {
                while (rows.next()) {
                    importGroup(rows, report.groups());
                }
            }
            try (ResultSet rows = statement.executeQuery(
                    "SELECT device_id, group_id FROM relations ORDER BY relation_id")) {
                while (rows.next()) {
                    importRelation(rows.getString("device_id"), rows.getLong("group_id"), report.relations());
                }
            }
        }
        return report;
    }

    private void importDevice(ResultSet row, ImportReport.Table report) throws SQLException {
        String key = row.getString("device_id");
        Optional<Long> id = positiveLong(key);
        if (id.isEmpty()) {
            report.skipped(key, "device_id is not a positive 64-bit number");
            return;
        }
        String hash = row.getString("password");
        if (hash == null || !BCRYPT.matcher(hash).matches()) {
            report.skipped(key, "password is not a bcrypt hash ($2a$, $2b$ or $2y$)");
            return;
        }
        Device device;
        try {
            device = device(new DeviceId(id.get()), row);
        } catch (RoostException e) {
            report.skipped(key, e.getMessage());
            return;
        }
        Optional<Device> existing = devices.find(device.id());
        if (existing.isEmpty()) {
            insert(device, hash, key, report);
            return;
        }
        Device current = existing.get();
        if (current.state() == DeviceState.DECOMMISSIONED) {
            report.skipped(key, "decommissioned in Roost");
            return;
        }
        if (!current.hardware().equals(device.hardware())) {
            report.skipped(key, "Roost device " + key + " has other hardware (" + current.hardware().serial() + "/"
                    + current.hardware().model() + ")");
            return;
        }
        boolean fieldsDiffer = !sameFields(current, device);
        boolean hashDiffers = !devices.secretHash(device.id()).map(hash::equals).orElse(false);
        if (fieldsDiffer) {
            devices.update(new Device(device.id(), device.name(), device.type(), device.hardware(),
                    device.softwareVersion(), device.softwareUpdatedAt(), device.networkInterfaces(),
                    device.description(), current.labels(), current.state(), current.createdAt(), device.updatedAt(),
                    current.lastSeenAt()));
        }
        if (hashDiffers) {
            devices.updateSecretHash(device.id(), hash, device.updatedAt());
        }
        if (fieldsDiffer || hashDiffers) {
            report.updated();
        } else {
            report.unchanged();
        }
    }

    private void insert(Device device, String hash, String key, ImportReport.Table report) {
        DeviceEvent registered = new DeviceEvent(ids.nextId(), device.id(), clock.instant(), EventType.LIFECYCLE,
                ACTOR, DeviceState.REGISTERED, DeviceState.REGISTERED, "imported from the legacy database",
                new EventDetail.LifecycleDetail());
        try {
            devices.insert(device, hash, registered);
            report.imported();
        } catch (RoostException e) {
            if (e.code() != ErrorCode.ALREADY_EXISTS) {
                throw e;
            }
            String owner = devices.findByHardware(device.hardware()).map(d -> "Roost device " + d.id())
                    .orElse("another Roost device");
            report.skipped(key, "hardware " + device.hardware().serial() + "/" + device.hardware().model()
                    + " already belongs to " + owner);
        }
    }

    private static boolean sameFields(Device a, Device b) {
        return a.name().equals(b.name()) && a.type().equals(b.type())
                && a.softwareVersion().equals(b.softwareVersion())
                && a.softwareUpdatedAt().equals(b.softwareUpdatedAt())
                && a.networkInterfaces().equals(b.networkInterfaces())
                && a.description().equals(b.description());
    }

    /** The legacy row as a Roost device, checked as the registry checks a new one. */
    private static Device device(DeviceId id, ResultSet row) throws SQLException {
        List<NetworkInterface> nics = new ArrayList<>();
        for (int slot = 1; slot <= 2; slot++) {
            String type = row.getString("nic" + slot + "_type");
            String mac = row.getString("nic" + slot + "_mac");
            String ipv4 = row.getString("nic" + slot + "_ipv4");
            if (type != null || mac != null || ipv4 != null) {
                while (nics.size() < slot - 1) {
                    nics.add(new NetworkInterface("", "", ""));
                }
                nics.add(new NetworkInterface(type, mac, ipv4));
            }
        }
        LocalDate lastUpdate = row.getObject("software_last_update", LocalDate.class);
        Instant created = Instant.ofEpochMilli(row.getLong("created_time"));
        Instant updated = Instant.ofEpochMilli(row.getLong("updated_time"));
        return new Device(id, Validation.required("device_name", row.getString("device_name"), 128),
                Validation.optional("device_type", row.getString("device_type"), 64),
                Hardware.validated("hardware", new Hardware(row.getString("hardware_sn"),
                        row.getString("hardware_model"))),
                Validation.optional("software_version", row.getString("software_version"), 64),
                Optional.ofNullable(lastUpdate).map(d -> d.atStartOfDay(ZoneOffset.UTC).toInstant()),
                NetworkInterface.validated("nic", nics),
                Validation.optional("dev_description", row.getString("dev_description"), 1024),
                Map.of(), DeviceState.REGISTERED, created, updated, Optional.empty());
    }

    private void importGroup(ResultSet row, ImportReport.Table report) throws SQLException {
        long legacyId = row.getLong("group_id");
        String key = Long.toString(legacyId);
        if (legacyId <= 0) {
            report.skipped(key, "group_id is not positive");
            return;
        }
        String name;
        String description;
        try {
            name = Validation.required("group_name", row.getString("group_name"), 128);
            description = Validation.optional("group_description", row.getString("group_description"), 1024);
        } catch (RoostException e) {
            report.skipped(key, e.getMessage());
            return;
        }
        GroupId id = new GroupId(legacyId);
        Instant created = Instant.ofEpochMilli(row.getLong("created_time"));
        Instant updated = Instant.ofEpochMilli(row.getLong("updated_time"));
        try {
            Optional<Group> existing = groups.find(id);
            if (existing.isEmpty()) {
                groups.insert(new Group(id, name, description, 0, created, updated));
                report.imported();
            } else if (existing.get().name().equals(name) && existing.get().description().equals(description)) {
                report.unchanged();
            } else {
                groups.update(id, name, description, updated);
                report.updated();
            }
        } catch (RoostException e) {
            if (e.code() != ErrorCode.ALREADY_EXISTS) {
                throw e;
            }
            report.skipped(key, "the name '" + name + "' belongs to another Roost group");
        }
    }

    private void importRelation(String deviceKey, long groupKey, ImportReport.Table report) {
        String key = deviceKey + " in group " + groupKey;
        Optional<Long> device = positiveLong(deviceKey);
        if (device.isEmpty() || devices.existing(List.of(new DeviceId(device.get()))).isEmpty()) {
            report.skipped(key, "device " + deviceKey + " is not in Roost (unknown or skipped)");
            return;
        }
        GroupId group = new GroupId(groupKey);
        if (groupKey <= 0 || groups.find(group).isEmpty()) {
            report.skipped(key, "group " + groupKey + " is not in Roost (unknown or skipped)");
            return;
        }
        if (groups.isMember(group, new DeviceId(device.get()))) {
            report.unchanged();
            return;
        }
        groups.addMembers(group, List.of(new DeviceId(device.get())), clock.instant());
        report.imported();
    }

    private static Optional<Long> positiveLong(String text) {
        if (text == null || text.isEmpty() || !text.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        try {
            long value = Long.parseLong(text);
            return value > 0 ? Optional.of(value) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
