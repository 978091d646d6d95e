package dev.roost.cli;

import dev.roost.cli.CliRunner.Result;
import dev.roost.cli.command.RoostCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every command explains itself with an example; the completion script covers the tree. */
class HelpTest {
    @TempDir
    Path home;

    /** Every command path in the tree, e.g. [device, register]. */
    private List<List<String>> commandPaths() {
        CommandLine root = new CommandLine(new RoostCommand(null));
        List<List<String>> paths = new ArrayList<>();
        collect(root, new ArrayList<>(), paths);
        return paths;
    }

    private static void collect(CommandLine command, List<String> path, List<List<String>> paths) {
        paths.add(List.copyOf(path));
        command.getSubcommands().forEach((name, sub) -> {
            if (name.equals(sub.getCommandName())) {
                List<String> next = new ArrayList<>(path);
                next.add(name);
                collect(sub, next, paths);
            }
        });
    }

    @Test
    void everyCommand_hasHelpWithAnExample() {
        List<List<String>> paths = commandPaths();
        assertThat(paths).hasSizeGreaterThan(50)
                .contains(List.of("device", "rotate-secret"), List.of("group", "members"),
                        List.of("command", "send-to-group"), List.of("status", "history"), List.of("desired", "set"),
                        List.of("events", "watch"), List.of("token", "revoke"), List.of("user", "update"),
                        List.of("login"), List.of("server", "health"), List.of("config", "use-context"),
                        List.of("completion"));
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            Result result = new CliRunner(home).run(args.toArray(String[]::new));
            assertThat(result.exitCode()).as(String.join(" ", args)).isZero();
            assertThat(result.out()).as(String.join(" ", args)).startsWith("Usage: roost").containsPattern("Example: [^\\n]*roost ");
        }
    }

    @Test
    void noSubcommand_isAUsageError() {
        Result result = new CliRunner(home).run("group");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("Missing required subcommand");
    }

    @Test
    void completionBash_printsAScriptForTheWholeTree() {
        Result result = new CliRunner(home).run("completion", "bash");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("complete -F").contains("rotate-secret").contains("send-to-group")
                .contains("use-context");
        assertThat(new CliRunner(home).run("completion", "fish").exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void version_namesTheReleaseAndTheCommit() {
        Result result = new CliRunner(home).run("--version");

        assertThat(result.exitCode()).isZero();
        // The build fills both in; "unknown" commit only outside a git checkout.
        assertThat(result.out().strip()).matches("roost \\d+\\.\\d+\\.\\d+\\S* \\(commit ([0-9a-f]{12}|unknown)\\)");
        assertThat(result.out()).doesNotContain("development build");
    }
}
