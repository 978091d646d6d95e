package dev.roost.cli.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
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
        assertThat(String.join("", Table.streamCells(item, columns))).doesNotContain("\n").contains("\\n");
        assertThat(Table.keyValues(item)).hasSize(2).allMatch(line -> !line.contains("\n"));
    }

    @Test
    void aTableStream_printsItsHeaderOnce_beforeTheFirstRow_withTheRowsUnderIt() {
        StringWriter out = new StringWriter();
        Output output = new Output(Format.table, new PrintWriter(out), new PrintWriter(new StringWriter()));
        List<Column> columns = List.of(new Column("DEVICE", "device_id"), Column.of("type"), Column.of("reason"));

        output.streamed(JSON.createObjectNode().put("device_id", "384141731668426752").put("type", "lifecycle")
                .put("reason", "audit"), columns);
        output.streamed(JSON.createObjectNode().put("device_id", "7").put("type", "connected"), columns);

        assertThat(out.toString().lines().toList()).containsExactly(
                "DEVICE              TYPE       REASON",
                "384141731668426752  lifecycle  audit",
                "7                   connected  -");
    }
}
