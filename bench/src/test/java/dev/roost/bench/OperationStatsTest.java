package dev.roost.bench;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class OperationStatsTest {
    @Test
    void snapshot_reportsPercentilesInMillisAndErrorsByStatus() {
        OperationStats stats = new OperationStats();
        for (int millis = 1; millis <= 100; millis++) {
            stats.recordSuccess(TimeUnit.MILLISECONDS.toNanos(millis));
        }
        stats.recordError(Status.Code.DEADLINE_EXCEEDED);
        stats.recordError(Status.Code.DEADLINE_EXCEEDED);

        OperationStats.Snapshot snapshot = stats.snapshot();

        assertThat(snapshot.successes()).isEqualTo(100);
        assertThat(snapshot.millisAt(50)).isCloseTo(50, within(0.1));
        assertThat(snapshot.millisAt(99)).isCloseTo(99, within(0.1));
        assertThat(snapshot.maxMillis()).isCloseTo(100, within(0.1));
        assertThat(snapshot.errors()).isEqualTo(Map.of("DEADLINE_EXCEEDED", 2L));
        assertThat(snapshot.failures()).isEqualTo(2);
    }
}
