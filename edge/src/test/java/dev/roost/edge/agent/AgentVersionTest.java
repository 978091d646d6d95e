package dev.roost.edge.agent;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class AgentVersionTest {
    @Test
    void version_isTheBuiltReleaseAndCommit() {
        StringWriter out = new StringWriter();
        CommandLine line = new CommandLine(new AgentCommand());
        line.setOut(new PrintWriter(out));

        assertThat(line.execute("--version")).isZero();
        assertThat(AgentVersion.VALUE).matches("\\d+\\.\\d+\\.\\d+\\S*");
        assertThat(out.toString().strip()).isEqualTo("roost-edge " + AgentVersion.VALUE + " (commit "
                + AgentVersion.COMMIT + ")");
        assertThat(AgentVersion.COMMIT).as("filled in by the build in a git checkout").matches("[0-9a-f]{12}");
    }
}
