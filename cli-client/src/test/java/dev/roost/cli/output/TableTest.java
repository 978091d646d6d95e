package dev.roost.cli.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TableTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void multiLineAndLongValues_stayOnOneRow_escapedAndCut() {
        ObjectNode item = JSON.createObjectNode().put("id", "1")
                .put("error_message", "line one\nline two\tand\r" + "x".repeat(200));
        List<Column> columns = List.of(new Column("ID", "id"), new Column("ERROR", "error_message"));

        List<String> rows = Table.rows(List.of(item), columns);

        assertThat(rows).hasSize(2);
        assertThat(rows.get(1)).contains("line one\\nline two\\tand\\r").endsWith("…")
                .doesNotContain("\n");
        assertThat(Table.line(item, columns)).doesNotContain("\n").contains("\\n");
        assertThat(Table.keyValues(item)).hasSize(2).allMatch(line -> !line.contains("\n"));
    }
}
