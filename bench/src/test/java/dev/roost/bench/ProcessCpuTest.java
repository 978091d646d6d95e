package dev.roost.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessCpuTest {
    @Test
    void parse_addsUserAndSystemTicksEvenWhenTheCommandHasSpaces() {
        String stat = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 30 0 1 2 3";

        assertThat(ProcessCpu.parse(stat)).isEqualTo(300 * 10_000_000L);
    }

    @Test
    void parseMachineBusy_leavesOutIdleAndIowait() {
        String cpu = "cpu  100 5 50 9000 40 3 2 1 0 0";

        assertThat(ProcessCpu.parseMachineBusy(cpu)).isEqualTo(161 * 10_000_000L);
    }

    @Test
    void cpuNanos_readsThisProcess() {
        assertThat(ProcessCpu.cpuNanos(ProcessHandle.current().pid())).isPresent();
    }
}
