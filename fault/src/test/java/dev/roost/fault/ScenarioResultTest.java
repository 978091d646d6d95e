package dev.roost.fault;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ScenarioResultTest {
    @Test
    void summaryLine_passesOnlyWhenEveryCountIsZero() {
        ScenarioResult clean = new ScenarioResult("server-kill", "h2", 0, 0, 0, 0, 0, "");
        ScenarioResult lost = new ScenarioResult("server-kill", "mariadb", 3, 0, 0, 0, 0, "");
        ScenarioResult serverFault = new ScenarioResult("fuzz", "h2", 0, 0, 0, 0, 1, "");

        assertThat(clean.summaryLine()).isEqualTo("scenario=server-kill db=h2 commands_lost=0 executed_twice=0 "
                + "status_rows_lost=0 sessions_disturbed=0 server_faults=0 result=PASS");
        assertThat(lost.summaryLine()).endsWith("commands_lost=3 executed_twice=0 status_rows_lost=0 "
                + "sessions_disturbed=0 server_faults=0 result=FAIL");
        assertThat(serverFault.summaryLine()).endsWith("server_faults=1 result=FAIL");
    }

    @Test
    void brokenRun_fails() {
        assertThat(ScenarioResult.broken("fuzz", "h2", "server did not start").passed()).isFalse();
    }

    @Test
    void executionLog_countsOnlyRepeats() {
        ExecutionLog log = new ExecutionLog();
        log.executed("1");
        log.executed("2");
        log.executed("2");
        log.executed("2");

        assertThat(log.executedTwice()).isEqualTo(2);
        assertThat(log.distinct()).isEqualTo(2);
    }
}
