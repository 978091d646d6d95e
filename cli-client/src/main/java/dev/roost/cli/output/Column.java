package dev.roost.cli.output;

/**
 * One column of a table: its header and the field it shows, as a snake_case name or a dotted path
 * into the view ({@code hardware.model}).
 */
public record Column(String header, String field) {
    public static Column of(String field) {
        return new Column(field.substring(field.lastIndexOf('.') + 1).toUpperCase(java.util.Locale.ROOT), field);
    }

    public static java.util.List<Column> of(String... fields) {
        return java.util.Arrays.stream(fields).map(Column::of).toList();
    }
}
