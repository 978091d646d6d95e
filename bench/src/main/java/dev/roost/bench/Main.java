package dev.roost.bench;

import picocli.CommandLine;

/** Entry point of {@code roost-bench.jar}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }
}
