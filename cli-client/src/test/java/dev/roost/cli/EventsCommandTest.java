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
    void watch_saysWhenSubscribed_thenPrintsLiveEvents_untilCtrlC_thenExits0() throws Exception {
        String device = server.registerDevice("watched")[0];
        CliRunner watcher = cli();
        CliRunner.Running watching = watcher.start("events", "watch", "--device", device, "-o", "json");
        Await.until("the server subscribed the watch", () -> watching.errorsSoFar().contains("watching events"));
        assertThat(watching.outputSoFar()).isEmpty();

        assertThat(cli().run("device", "disable", device).exitCode()).isZero();
        Await.until("the event is printed", () -> watching.outputSoFar().contains(device));
        assertThat(watching.result().isDone()).isFalse();
        watcher.interrupt();

        Result result = watching.result().get(10, TimeUnit.SECONDS);
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.err()).doesNotContain("Error");
        assertThat(result.lines()).singleElement().satisfies(line -> assertThat(line).startsWith("{\"id\":")
                .contains("\"device_id\":\"" + device + "\"").contains("\"type\":\"lifecycle\"")
                .contains("\"to_state\":\"DISABLED\""));
    }

    @Test
    void watchAsATable_printsTheHeaderOnce_aboveTheEvents() throws Exception {
        String device = server.registerDevice("watched-table")[0];
        CliRunner watcher = cli();
        CliRunner.Running watching = watcher.start("events", "watch", "--device", device);
        Await.until("the server subscribed the watch", () -> watching.errorsSoFar().contains("watching events"));

        assertThat(cli().run("device", "disable", device).exitCode()).isZero();
        assertThat(cli().run("device", "enable", device).exitCode()).isZero();
        Await.until("two events are printed", () -> watching.outputSoFar().lines().count() >= 3);
        watcher.interrupt();

        Result result = watching.result().get(10, TimeUnit.SECONDS);
        assertThat(result.lines().getFirst()).matches("AT +DEVICE +TYPE +FROM +TO +ACTOR +REASON +DETAIL");
        assertThat(result.lines().subList(1, result.lines().size())).hasSize(2)
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
        assertThat(result.err()).contains("cannot reach the server").contains("(UNAVAILABLE)")
                .as("never subscribed").doesNotContain("watching events");
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
