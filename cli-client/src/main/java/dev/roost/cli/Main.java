package dev.roost.cli;

import io.grpc.Deadline;

import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The {@code roost} executable: the only place that touches the process's streams, signals and exit status. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (System.getenv(Failures.DEBUG_VARIABLE) == null) {
            // gRPC and Netty log transport trouble through JUL; the CLI reports failures itself, in one line.
            Logger.getLogger("").setLevel(Level.OFF);
        }
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, System.out.charset()));
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, System.err.charset()));
        Environment env = new Environment(out, err, System.getenv(), home(),
                new BufferedReader(new InputStreamReader(System.in, Charset.defaultCharset())),
                Main::readPassword, Main::onInterrupt, Deadline.getSystemTicker());
        System.exit(Cli.run(env, args));
    }

    /** $HOME as the shell sees it (Java's user.home ignores it), else user.home. */
    private static Path home() {
        String home = System.getenv("HOME");
        return Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home);
    }

    private static Optional<char[]> readPassword(String prompt) {
        Console console = System.console();
        return console == null ? Optional.empty() : Optional.ofNullable(console.readPassword("%s", prompt));
    }

    /** Ctrl-C runs the handler instead of ending the JVM, so a stream can stop cleanly with exit status 0. */
    @SuppressWarnings("sunapi")
    private static Environment.Registration onInterrupt(Runnable handler) {
        sun.misc.Signal interrupt = new sun.misc.Signal("INT");
        sun.misc.SignalHandler previous = sun.misc.Signal.handle(interrupt, signal -> handler.run());
        return () -> sun.misc.Signal.handle(interrupt, previous);
    }
}
