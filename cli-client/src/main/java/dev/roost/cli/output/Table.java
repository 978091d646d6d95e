package dev.roost.cli.output;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/** Plain-text rendering of view trees: aligned columns for lists, "key: value" lines for one item. */
final class Table {
    private static final String NONE = "-";
    private static final int INLINE_LIMIT = 100;
    /** Widest cell of a list: a device's multi-line output must not stretch or break the table. */
    static final int CELL_LIMIT = 60;

    private Table() {
    }

    static List<String> rows(List<JsonNode> items, List<Column> columns) {
        List<String[]> cells = new ArrayList<>();
        cells.add(columns.stream().map(Column::header).toArray(String[]::new));
        for (JsonNode item : items) {
            cells.add(columns.stream().map(column -> listCell(field(item, column.field()))).toArray(String[]::new));
        }
        return align(cells);
    }

    /** The cells of one item of a stream. */
    static String[] streamCells(JsonNode item, List<Column> columns) {
        return columns.stream().map(column -> listCell(field(item, column.field()))).toArray(String[]::new);
    }

    /**
     * Column widths for a stream, from its header and first row: later rows are padded to them (a
     * longer cell shifts the rest of its line, since rows to come are unknown).
     */
    static int[] streamWidths(List<Column> columns, String[] firstRow) {
        int[] widths = new int[columns.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = Math.max(columns.get(i).header().length(), firstRow[i].length());
        }
        return widths;
    }

    /** One line of a stream: the cells padded to {@code widths}, two spaces apart. */
    static String streamLine(String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            line.append(cells[i]);
            if (i < cells.length - 1) {
                line.append(" ".repeat(Math.max(0, widths[i] - cells[i].length()) + 2));
            }
        }
        return line.toString();
    }

    static List<String> keyValues(JsonNode item) {
        int width = 0;
        for (Iterator<String> names = item.fieldNames(); names.hasNext(); ) {
            width = Math.max(width, names.next().length());
        }
        List<String> lines = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = item.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String label = (field.getKey() + ":").concat(" ".repeat(width - field.getKey().length() + 1));
            JsonNode value = field.getValue();
            String inline = escaped(cell(value));
            if (value.isContainerNode() && !value.isEmpty() && inline.length() > INLINE_LIMIT) {
                lines.add(field.getKey() + ":");
                value.toPrettyString().lines().forEach(line -> lines.add("  " + line));
            } else {
                lines.add(label + inline);
            }
        }
        return lines;
    }

    /** A cell of a list row: on one line (control characters escaped), cut at {@link #CELL_LIMIT}. */
    static String listCell(JsonNode value) {
        String text = escaped(cell(value));
        return text.length() <= CELL_LIMIT ? text : text.substring(0, CELL_LIMIT - 1) + "…";
    }

    private static String escaped(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static JsonNode field(JsonNode item, String path) {
        return item.at("/" + path.replace('.', '/'));
    }

    /** A value as one cell: text as is, maps of scalars as k=v pairs, lists of scalars comma-separated. */
    static String cell(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return NONE;
        }
        if (value.isValueNode()) {
            String text = value.asText();
            return text.isEmpty() ? NONE : text;
        }
        if (value.isEmpty()) {
            return NONE;
        }
        boolean scalars = true;
        for (JsonNode element : value) {
            scalars &= element.isValueNode();
        }
        if (!scalars) {
            return value.toString();
        }
        StringJoiner joined = new StringJoiner(",");
        if (value.isObject()) {
            value.fields().forEachRemaining(entry -> joined.add(entry.getKey() + "=" + entry.getValue().asText()));
        } else {
            value.forEach(element -> joined.add(element.asText()));
        }
        return joined.toString();
    }

    private static List<String> align(List<String[]> cells) {
        int[] widths = new int[cells.getFirst().length];
        for (String[] row : cells) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        List<String> lines = new ArrayList<>();
        for (String[] row : cells) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) {
                    line.append(" ".repeat(widths[i] - row[i].length() + 2));
                }
            }
            lines.add(line.toString());
        }
        return lines;
    }
}
