package dev.roost.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.grpc.Deadline;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Runs the CLI in-process as a user would from a shell: given arguments, environment variables, a
 * home folder and stdin; captures stdout, stderr and the exit status.
 */
public final class CliRunner {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new YAMLMapper();

    private final Path home;
    private final Map<String, String> variables = new HashMap<>();
    private final List<Runnable> interruptHandlers = new CopyOnWriteArrayList<>();
    private Deadline.Ticker deadlines = Deadline.getSystemTicker();

    public CliRunner(Path home) {
        this.home = home;
    }

    /** A runner whose ROOST_SERVER and ROOST_TOKEN point at a server. */
    public static CliRunner against(Path home, int port, String token) {
        return new CliRunner(home).env("ROOST_SERVER", "127.0.0.1:" + port).env("ROOST_TOKEN", token);
    }

    public CliRunner env(String name, String value) {
        if (value == null) {
            variables.remove(name);
        } else {
            variables.put(name, value);
        }
        return this;
    }

    /** The time source of the invocation's call deadlines (a stopped one makes them exact). */
    public CliRunner deadlines(Deadline.Ticker ticker) {
        this.deadlines = ticker;
        return this;
    }

    public Path home() {
        return home;
    }

    /** What one invocation printed and returned. */
    public record Result(int exitCode, String out, String err) {
        public JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new UncheckedIOException("stdout is not JSON: " + out + "\nstderr: " + err, e);
            }
        }

        public JsonNode yaml() {
            try {
                return YAML.readTree(out);
            } catch (IOException e) {
                throw new UncheckedIOException("stdout is not YAML: " + out, e);
            }
        }

        /** The non-empty stdout lines. */
        public List<String> lines() {
            return out.lines().filter(line -> !line.isBlank()).toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    public Result run(String... args) {
        return runWithStdin("", args);
    }

    public Result runWithStdin(String stdin, String... args) {
        return runWithStdin(stdin, new StringWriter(), new StringWriter(), args);
    }

    /** An invocation running in the background, for streams: its output so far, Ctrl-C, its result. */
    public record Running(StringWriter out, StringWriter err, CompletableFuture<Result> result) {
        public String outputSoFar() {
            return out.toString();
        }

        public String errorsSoFar() {
            return err.toString();
        }
    }

    public Running start(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        return new Running(out, err, CompletableFuture.supplyAsync(() -> runWithStdin("", out, err, args)));
    }

    private Result runWithStdin(String stdin, StringWriter out, StringWriter err, String... args) {
        Environment env = new Environment(new PrintWriter(out, true), new PrintWriter(err, true),
                Map.copyOf(variables), home, new BufferedReader(new StringReader(stdin)),
                prompt -> Optional.empty(), this::onInterrupt, deadlines);
        int status = Cli.run(env, args);
        return new Result(status, out.toString(), err.toString());
    }

    /** Simulates Ctrl-C: runs the handlers registered at this moment. */
    public void interrupt() {
        new ArrayList<>(interruptHandlers).forEach(Runnable::run);
    }

    public boolean hasInterruptHandler() {
        return !interruptHandlers.isEmpty();
    }

    private Environment.Registration onInterrupt(Runnable handler) {
        interruptHandlers.add(handler);
        return () -> interruptHandlers.remove(handler);
    }
}
