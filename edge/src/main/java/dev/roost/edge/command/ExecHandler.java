package dev.roost.edge.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.edge.spi.CommandHandler;
import dev.roost.edge.spi.CommandOutcome;
import dev.roost.edge.spi.CommandRequest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code exec}: runs one of the allowlisted scripts by name, never an arbitrary path.
 * Params: {@code script} (a name from the allowlist), {@code args} (strings),
 * {@code timeout_ms} (optional, capped by the command's own timeout).
 * Besides the configured scripts, a few harmless read-only built-ins ({@link #BUILT_IN}) run with
 * fixed arguments (no {@code args}: {@code date} or {@code hostname} with arguments would change
 * the machine); a configured script of the same name wins.
 */
public final class ExecHandler implements CommandHandler {
    /** Read-only system commands every agent allows unless {@code exec.built-in-scripts} is false. */
    public static final Map<String, List<String>> BUILT_IN = Map.of(
            "uptime", List.of("uptime"),
            "disk-usage", List.of("df", "-h"),
            "memory", List.of("free", "-b"),
            "kernel", List.of("uname", "-a"));

    private final Map<String, Path> allowlist;
    private final Map<String, List<String>> builtIns;
    private final ProcessRunner runner;
    private final Duration defaultTimeout;

    public ExecHandler(Map<String, Path> allowlist, boolean withBuiltIns, ProcessRunner runner,
                       Duration defaultTimeout) {
        this.allowlist = Map.copyOf(allowlist);
        this.builtIns = withBuiltIns ? BUILT_IN : Map.of();
        this.runner = runner;
        this.defaultTimeout = defaultTimeout;
    }

    @Override
    public String name() {
        return "exec";
    }

    @Override
    public CommandOutcome handle(CommandRequest request) throws Exception {
        String script = request.params().path("script").asText("");
        Path path = allowlist.get(script);
        List<String> builtIn = builtIns.get(script);
        if (path == null && builtIn == null) {
            return CommandOutcome.failed(-1, "script '" + script + "' is not on the allowlist");
        }
        List<String> commandLine = new ArrayList<>();
        JsonNode args = request.params().path("args");
        if (!args.isMissingNode() && !args.isArray()) {
            return CommandOutcome.failed(-1, "args must be an array of strings");
        }
        if (path == null) {
            if (!args.isEmpty()) {
                return CommandOutcome.failed(-1, "the built-in script '" + script + "' takes no args");
            }
            commandLine.addAll(builtIn);
        } else {
            commandLine.add(path.toString());
        }
        for (JsonNode arg : args) {
            if (!arg.isTextual()) {
                return CommandOutcome.failed(-1, "args must be an array of strings");
            }
            commandLine.add(arg.asText());
        }
        Duration timeout = request.params().has("timeout_ms")
                ? Duration.ofMillis(request.params().get("timeout_ms").asLong())
                : defaultTimeout;
        if (!request.timeout().isZero() && request.timeout().compareTo(timeout) < 0) {
            timeout = request.timeout();
        }
        ProcessOutput output = runner.run(commandLine, Map.of(), null, timeout);
        if (output.timedOut()) {
            return new CommandOutcome(false, -1, output.toJson(), "timed out after " + timeout.toMillis() + " ms");
        }
        return ProcessOutcomes.of(output);
    }
}
