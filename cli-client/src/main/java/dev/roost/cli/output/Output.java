package dev.roost.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Prints views in the chosen format. JSON and YAML show every field of a view under its snake_case
 * name (absent values as null); tables show chosen columns. Data goes to {@code out}; hints such as
 * "more pages" go to {@code err}, so that piped output stays clean.
 */
public final class Output {
    static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();
    private static final ObjectMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                    .build())
            .build();

    private final Format format;
    private final PrintWriter out;
    private final PrintWriter err;
    /** The column widths of the table stream being printed; null until its header is. */
    private int[] streamWidths;

    public Output(Format format, PrintWriter out, PrintWriter err) {
        this.format = format;
        this.out = out;
        this.err = err;
    }

    public Format format() {
        return format;
    }

    /** The view as a JSON tree with snake_case names, as printed. */
    public static JsonNode tree(Object view) {
        return JSON.valueToTree(view);
    }

    /** One object: "key: value" lines, or a JSON/YAML document. */
    public void item(Object view) {
        JsonNode tree = tree(view);
        if (format == Format.table) {
            Table.keyValues(tree).forEach(out::println);
        } else {
            document(tree, true);
        }
        out.flush();
    }

    /** A list: a table with these columns, or a document {items, next_cursor, total_count}. */
    public void list(Listing<?> listing, List<Column> columns) {
        List<JsonNode> items = listing.items().stream().map(Output::tree).toList();
        if (format == Format.table) {
            if (items.isEmpty()) {
                err.println("(none)");
            } else {
                Table.rows(items, columns).forEach(out::println);
            }
            listing.nextCursor().ifPresent(cursor -> err.println("(" + items.size() + " of " + listing.totalCount()
                    + " shown; next page: --cursor " + cursor + ", or --all)"));
        } else {
            ObjectNode document = JSON.createObjectNode();
            document.set("items", JSON.valueToTree(items));
            if (listing.paged()) {
                document.put("next_cursor", listing.nextCursor().orElse(null));
                document.put("total_count", listing.totalCount());
            }
            document(document, true);
        }
        out.flush();
        err.flush();
    }

    /**
     * One element of a stream: a line with these columns (the first one preceded by the header), one
     * line of JSON (newline-delimited JSON), or one YAML document after a "---" separator.
     */
    public void streamed(Object view, List<Column> columns) {
        JsonNode tree = tree(view);
        switch (format) {
            case table -> {
                String[] cells = Table.streamCells(tree, columns);
                if (streamWidths == null) {
                    streamWidths = Table.streamWidths(columns, cells);
                    out.println(Table.streamLine(columns.stream().map(Column::header).toArray(String[]::new),
                            streamWidths));
                }
                out.println(Table.streamLine(cells, streamWidths));
            }
            case json -> document(tree, false);
            case yaml -> {
                out.println("---");
                document(tree, true);
            }
        }
        out.flush();
    }

    /** The outcome of an action: a sentence in table mode, else the view as a document. */
    public void done(String sentence, Object view) {
        if (format == Format.table) {
            out.println(sentence);
            out.flush();
        } else {
            item(view);
        }
    }

    /** A hint for people, on stderr in every format. */
    public void hint(String text) {
        err.println(text);
        err.flush();
    }

    private void document(JsonNode tree, boolean pretty) {
        try {
            if (format == Format.yaml) {
                out.print(YAML.writeValueAsString(tree));
            } else {
                out.println(pretty ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree)
                        : JSON.writeValueAsString(tree));
            }
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
