package dev.roost.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CommandsCommandTest {
    @TempDir
    Path folder;

    @Test
    void severalTargets_needOneDeviceFileEach_andNothingIsSentOtherwise() throws Exception {
        Path devices = Files.writeString(folder.resolve("devices-1.csv"), "1001,secret\n");
        StringWriter errors = new StringWriter();
        CommandLine line = new CommandLine(new CommandsCommand()).setErr(new PrintWriter(errors));

        int exit = line.execute("--target", "127.0.0.1:1,127.0.0.1:2", "--devices-file", devices.toString(),
                "--token", "t", "--out", folder.resolve("out").toString());

        assertThat(exit).isEqualTo(2);
        assertThat(errors.toString()).contains("several --target need one per --devices-file (2 targets, 1 files)");
        assertThat(folder.resolve("out")).doesNotExist();
    }
}
