package dev.roost.cli.command;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code roost completion bash}: a shell completion script for the whole command tree. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a completion script for bash (zsh loads it too, after 'autoload -U bashcompinit && bashcompinit')."},
        footer = {"", "Example: source <(roost completion bash)",
                "         roost completion bash > /etc/bash_completion.d/roost"})
final class CompletionCommand implements Callable<Integer> {
    /** The shells a script can be generated for. */
    enum Shell {
        bash
    }

    @ParentCommand
    RoostCommand root;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "${COMPLETION-CANDIDATES}.")
    Shell shell;

    @Override
    public Integer call() {
        root.env().out().print(AutoComplete.bash("roost", spec.root().commandLine()));
        root.env().out().flush();
        return 0;
    }
}
