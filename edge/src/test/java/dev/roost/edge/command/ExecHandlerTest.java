package dev.roost.edge.command;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.edge.spi.CommandOutcome;
import dev.roost.edge.spi.CommandRequest;
import dev.roost.server.support.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ExecHandlerTest {
    @TempDir
    Path dir;

    private Path script(String name, String body) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    private static CommandRequest request(ObjectNode params) {
        return new CommandRequest("c1", "exec", params, Duration.ofSeconds(10));
    }

    @Test
    void allowlistedScript_runsWithArgs_andReportsOutputAndExitCode() throws Exception {
        ExecHandler exec = new ExecHandler(Map.of("greet", script("greet.sh", "echo \"hi $1\"; echo oops >&2; exit 3")), false,
                new ProcessRunner(64 * 1024), Duration.ofSeconds(5));
        ObjectNode params = JsonNodeFactory.instance.objectNode().put("script", "greet");
        params.putArray("args").add("there");
        CommandOutcome outcome = exec.handle(request(params));
        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.code()).isEqualTo(3);
        assertThat(outcome.result().get("stdout").asText()).isEqualTo("hi there\n");
        assertThat(outcome.result().get("stderr").asText()).isEqualTo("oops\n");
    }

    @Test
    void scriptNotOnTheAllowlist_isRefusedWithoutRunningAnything() throws Exception {
        Path marker = dir.resolve("ran");
        Path evil = script("evil.sh", "touch " + marker);
        ExecHandler exec = new ExecHandler(Map.of(), true, new ProcessRunner(1024), Duration.ofSeconds(5));
        CommandOutcome byPath = exec.handle(request(JsonNodeFactory.instance.objectNode().put("script", evil.toString())));
        assertThat(byPath.succeeded()).isFalse();
        assertThat(byPath.message()).contains("not on the allowlist");
        assertThat(marker).doesNotExist();
    }

    @Test
    void scriptPastItsTimeout_isKilled_andFails() throws Exception {
        // The script's child writes its pid: killing the script alone would leave it running.
        Path childPid = dir.resolve("child.pid");
        ExecHandler exec = new ExecHandler(Map.of("slow", script("slow.sh", "sleep 30 & echo $! > " + childPid
                + "; wait")), false, new ProcessRunner(1024), Duration.ofSeconds(5));
        CommandOutcome outcome = exec.handle(request(JsonNodeFactory.instance.objectNode().put("script", "slow")
                .put("timeout_ms", 200)));
        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.message()).contains("timed out after 200 ms");
        assertThat(outcome.result().get("timed_out").asBoolean()).isTrue();
        // On a stalled machine the script may be killed before it started its child.
        if (Files.exists(childPid)) {
            long pid = Long.parseLong(Files.readString(childPid).strip());
            Await.until("the script's child is gone", () -> ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .isEmpty());
        }
    }

    @Test
    void outputBeyondTheCap_isTruncated() throws Exception {
        ExecHandler exec = new ExecHandler(Map.of("loud", script("loud.sh", "head -c 200000 /dev/zero | tr '\\\\0' x")), false,
                new ProcessRunner(64 * 1024), Duration.ofSeconds(5));
        CommandOutcome outcome = exec.handle(request(JsonNodeFactory.instance.objectNode().put("script", "loud")));
        assertThat(outcome.result().get("stdout").asText()).hasSize(64 * 1024);
        assertThat(outcome.result().get("truncated").asBoolean()).isTrue();
    }

    @Test
    void builtInUptime_runsWithoutConfiguration_andSucceedsWithNoMessage() throws Exception {
        ExecHandler exec = new ExecHandler(Map.of(), true, new ProcessRunner(1024), Duration.ofSeconds(5));
        CommandOutcome outcome = exec.handle(request(JsonNodeFactory.instance.objectNode().put("script", "uptime")));
        assertThat(outcome.succeeded()).as(outcome.toString()).isTrue();
        assertThat(outcome.message()).as("a success is no error").isEmpty();
        assertThat(outcome.result().get("stdout").asText()).contains("load average");
    }

    @Test
    void builtIns_takeNoArgs_andCanBeSwitchedOff() throws Exception {
        ExecHandler exec = new ExecHandler(Map.of(), true, new ProcessRunner(1024), Duration.ofSeconds(5));
        ObjectNode params = JsonNodeFactory.instance.objectNode().put("script", "kernel");
        params.putArray("args").add("--help");
        assertThat(exec.handle(request(params)).message()).contains("takes no args");
        ExecHandler without = new ExecHandler(Map.of(), false, new ProcessRunner(1024), Duration.ofSeconds(5));
        assertThat(without.handle(request(JsonNodeFactory.instance.objectNode().put("script", "uptime"))).message())
                .contains("not on the allowlist");
    }
}
