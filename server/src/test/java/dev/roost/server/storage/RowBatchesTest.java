package dev.roost.server.storage;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class RowBatchesTest {
    private static final List<Integer> ROWS = IntStream.rangeClosed(1, 16).boxed().toList();

    @Test
    void refusedRows_areFoundBySplitting_andSetAside_theRestWrittenInOrder() {
        List<Integer> written = new ArrayList<>();
        RowBatches.Outcome<Integer> outcome = RowBatches.write(ROWS, batch -> {
            if (batch.contains(5) || batch.contains(12)) {
                throw new IllegalStateException("write failed", new SQLException("Data too long for column", "22001"));
            }
            written.addAll(batch);
        });

        assertThat(outcome.rejected()).extracting(RowBatches.Rejected::row).containsExactly(5, 12);
        assertThat(outcome.failure()).isEmpty();
        assertThat(written).containsExactly(1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16);
    }

    @Test
    void aFailureOfTheDatabaseItself_stopsTheWrite_andReturnsWhatIsUnwritten() {
        List<Integer> written = new ArrayList<>();
        RowBatches.Outcome<Integer> outcome = RowBatches.write(ROWS, batch -> {
            if (batch.contains(3)) {
                throw new IllegalStateException("poison", new SQLException("Duplicate entry", "23000"));
            }
            if (batch.contains(10)) {
                throw new IllegalStateException("gone", new SQLTransientConnectionException("connection lost"));
            }
            written.addAll(batch);
        });

        assertThat(outcome.rejected()).extracting(RowBatches.Rejected::row).containsExactly(3);
        assertThat(outcome.failure()).hasValueSatisfying(e -> assertThat(e).hasMessage("gone"));
        assertThat(written).containsExactly(1, 2, 4, 5, 6, 7, 8);
        assertThat(outcome.unwritten()).containsExactly(9, 10, 11, 12, 13, 14, 15, 16);
    }

    @Test
    void dataAndConstraintErrors_areTheRowsFault_othersAreNot() {
        assertThat(RowBatches.refusedForItsData(new RuntimeException(new SQLException("x", "22001")))).isTrue();
        assertThat(RowBatches.refusedForItsData(new RuntimeException(new SQLException("x", "23505")))).isTrue();
        assertThat(RowBatches.refusedForItsData(new RuntimeException(new SQLException("x", "08S01")))).isFalse();
        assertThat(RowBatches.refusedForItsData(new RuntimeException(new SQLException("x", "HYT00")))).isFalse();
        assertThat(RowBatches.refusedForItsData(new IllegalStateException("no SQL cause"))).isFalse();
    }
}
