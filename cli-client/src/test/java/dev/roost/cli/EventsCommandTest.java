package dev.roost.cli;

import dev.roost.cli.CliRunner.Result;
import dev.roost.server.support.Await;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code roost events ...}: history and the live stream, stopped by Ctrl-C or --for. */
class EventsCommandTest extends ServerBackedTest {
    @Test
    void watch_printsLiveEvents_untilCtrlC_thenExits0() throws Exception {
        String device = server.registerDevice("watched")[0];
        CliRunner watcher = cli();
        CliRunner.Running watching = watcher.start("events", "watch", "--device", device, "-o", "json");
        Await.until("the watch waits for Ctrl-C", watcher::hasInterruptHandler);

        // The subscription starts when the server receives the call: keep causing events until one arrives.
        boolean disable = true;
        for (int attempt = 0; attempt < 100 && !watching.outputSoFar().contains(device); attempt++) {
            assertThat(cli().run("device", disable ? "disable" : "enable", device).exitCode()).isZero();
            disable = !disable;
        }
        Await.until("an event is printed", () -> watching.outputSoFar().contains(device));
        assertThat(watching.result().isDone()).isFalse();
        watcher.interrupt();

        Result result = watching.result().get(10, TimeUnit.SECONDS);
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.err()).contains("watching events").doesNotContain("Error");
        assertThat(result.lines()).isNotEmpty().allSatisfy(line -> assertThat(line)
                .startsWith("{\"id\":").contains("\"device_id\":\"" + device + "\"").contains("\"type\":\"lifecycle\""));
    }

    @Test
    void watchAsATable_printsTheHeaderOnce_aboveTheEvents() throws Exception {
        String device = server.registerDevice("watched-table")[0];
        CliRunner watcher = cli();
        CliRunner.Running watching = watcher.start("events", "watch", "--device", device);
        Await.until("the watch waits for Ctrl-C", watcher::hasInterruptHandler);

        boolean disable = true;
        for (int attempt = 0; attempt < 100 && watching.outputSoFar().lines().count() < 3; attempt++) {
            assertThat(cli().run("device", disable ? "disable" : "enable", device).exitCode()).isZero();
            disable = !disable;
        }
        Await.until("two events are printed", () -> watching.outputSoFar().lines().count() >= 3);
        watcher.interrupt();

        Result result = watching.result().get(10, TimeUnit.SECONDS);
        assertThat(result.lines().getFirst()).matches("AT +DEVICE +TYPE +FROM +TO +ACTOR +REASON +DETAIL");
        assertThat(result.lines().subList(1, result.lines().size())).isNotEmpty()
                .allSatisfy(line -> assertThat(line).contains(device).contains("lifecycle"));
    }

    @Test
    void watchFor_endsByItself_withExit0() {
        Result result = cli().run("events", "watch", "--for", "300ms", "--type", "connected");

        assertThat(result.exitCode()).as(result.toString()).isZero();
    }

    @Test
    void watch_whenTheServerIsDown_exits4() {
        Result result = new CliRunner(Path.of("/nonexistent")).env("ROOST_SERVER", "127.0.0.1:" + Ports.closed())
                .run("events", "watch", "--for", "5s");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(result.err()).contains("cannot reach the server").contains("(UNAVAILABLE)");
    }

    @Test
    void list_showsPastEvents_filteredByType() {
        String device = server.registerDevice("listed")[0];
        assertThat(cli().run("device", "disable", device, "--reason", "audit").exitCode()).isZero();

        Await.until("the event is stored", () -> cli().run("events", "list", "--device", device, "--type",
                "lifecycle", "-o", "json").json().get("items").size() >= 1);
        Result table = cli().run("events", "list", "--device", device, "--since", "1h");
        assertThat(table.exitCode()).isZero();
        assertThat(table.out()).contains("lifecycle").contains("DISABLED").contains("audit");
    }
}
