package dev.roost.server.legacyimport;

import java.util.ArrayList;
import java.util.List;

/** What an import did, per legacy table: rows imported, updated, unchanged and skipped (with why). */
public final class ImportReport {
    /** Counts for one legacy table. */
    public static final class Table {
        private final String name;
        private int imported;
        private int updated;
        private int unchanged;
        private final List<String> skipped = new ArrayList<>();

        Table(String name) {
            this.name = name;
        }

        void imported() {
            imported++;
        }

        void updated() {
            updated++;
        }

        void unchanged() {
            unchanged++;
        }

        void skipped(String key, String reason) {
            skipped.add(key + ": " + reason);
        }

        public int importedCount() {
            return imported;
        }

        public int updatedCount() {
            return updated;
        }

        public int unchangedCount() {
            return unchanged;
        }

        public List<String> skipped() {
            return List.copyOf(skipped);
        }

        String summary() {
            return "%-10s imported %d, updated %d, unchanged %d, skipped %d".formatted(name, imported, updated,
                    unchanged, skipped.size());
        }
    }

    private final Table devices = new Table("devices");
    private final Table groups = new Table("groups");
    private final Table relations = new Table("relations");

    public Table devices() {
        return devices;
    }

    public Table groups() {
        return groups;
    }

    public Table relations() {
        return relations;
    }

    /** Lines for the console: one summary per table, then every skipped row with its reason. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (Table table : List.of(devices, groups, relations)) {
            lines.add(table.summary());
        }
        for (Table table : List.of(devices, groups, relations)) {
            table.skipped.forEach(reason -> lines.add("skipped " + table.name + " " + reason));
        }
        return lines;
    }
}
