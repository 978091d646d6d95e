package dev.roost.edge.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.edge.link.Link;
import dev.roost.edge.spi.DesiredStateHandler;
import dev.roost.protocol.MergePatch;
import dev.roost.protocol.Messages;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Applies {@code desired} messages (docs/protocol.md §4): a full document replaces the state, a
 * patch applies only on top of the version it was made for. Each top-level key goes to its
 * {@link DesiredStateHandler}; the device answers {@code desired_applied} with the version it now
 * holds, the keys its handlers applied and, in {@code errors}, the keys that failed or that no
 * handler applies. The document is kept in the state directory so that a restarted agent knows
 * its version and applies it again ({@link #reapply()}).
 */
public final class DesiredStateApplier implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DesiredStateApplier.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String NO_HANDLER = "no handler for this key on the device (stored, not applied)";

    private final Optional<Path> file;
    private final Map<String, DesiredStateHandler> handlers;
    private final boolean simulated;
    private final Consumer<ObjectNode> onApplied;
    /** Handlers run here, one document at a time and in arrival order, off the network thread. */
    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("roost-desired").factory());
    private long version;
    private ObjectNode state = JsonNodeFactory.instance.objectNode();

    /**
     * @param file      where to keep the state; empty keeps it in memory
     * @param handlers  by top-level key
     * @param onApplied told the whole document after its handlers ran
     */
    public DesiredStateApplier(Optional<Path> file, Map<String, DesiredStateHandler> handlers,
                               Consumer<ObjectNode> onApplied) {
        this(file, handlers, false, onApplied);
    }

    private DesiredStateApplier(Optional<Path> file, Map<String, DesiredStateHandler> handlers, boolean simulated,
                                Consumer<ObjectNode> onApplied) {
        this.file = file;
        this.handlers = Map.copyOf(handlers);
        this.simulated = simulated;
        this.onApplied = onApplied;
        file.filter(Files::exists).ifPresent(this::load);
    }

    /** For simulated devices: in memory, and every key is reported applied without anything acting on it. */
    public static DesiredStateApplier simulated() {
        return new DesiredStateApplier(Optional.empty(), Map.of(), true, state -> { });
    }

    public synchronized long version() {
        return version;
    }

    public synchronized ObjectNode state() {
        return state.deepCopy();
    }

    /** Applies and answers (the answer once the handlers ran); @return true when the held version changed */
    public boolean apply(Link link, Messages.Desired desired) {
        ObjectNode previous;
        ObjectNode next;
        long nextVersion;
        synchronized (this) {
            boolean full = Messages.Desired.FULL.equals(desired.mode());
            if (!full && desired.baseVersion() != version) {
                LOG.log(System.Logger.Level.INFO,
                        "desired patch for version {0}, holding {1}: asking for the full state",
                        Long.toString(desired.baseVersion()), Long.toString(version));
                link.send(new Messages.DesiredApplied(version, null, null));
                return false;
            }
            previous = state;
            state = full ? desired.state().deepCopy() : MergePatch.apply(state, desired.state());
            version = desired.version();
            save();
            next = state.deepCopy();
            nextVersion = version;
        }
        Set<String> removed = new LinkedHashSet<>();
        previous.fieldNames().forEachRemaining(removed::add);
        next.fieldNames().forEachRemaining(removed::remove);
        worker.execute(() -> {
            Outcome outcome = runHandlers(next, removed);
            LOG.log(System.Logger.Level.INFO, "desired state version {0}: applied {1}, errors {2}",
                    Long.toString(nextVersion), outcome.applied(), outcome.errors());
            onApplied.accept(next.deepCopy());
            link.send(new Messages.DesiredApplied(nextVersion, outcome.applied(), outcome.errors()));
        });
        return true;
    }

    /** After an agent start: applies the stored document again (handlers run on the worker). */
    public void reapply() {
        ObjectNode current = state();
        if (current.isEmpty() || handlers.isEmpty()) {
            return;
        }
        long held = version();
        worker.execute(() -> {
            Outcome outcome = runHandlers(current, Set.of());
            LOG.log(System.Logger.Level.INFO, "desired state version {0} applied again after start: applied {1}, "
                    + "errors {2}", Long.toString(held), outcome.applied(), outcome.errors());
        });
    }

    private record Outcome(ObjectNode applied, ObjectNode errors) {
    }

    private Outcome runHandlers(ObjectNode document, Set<String> removed) {
        ObjectNode applied = JsonNodeFactory.instance.objectNode();
        ObjectNode errors = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = document.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            runOne(entry.getKey(), entry.getValue(), applied, errors);
        }
        for (String key : removed) {
            if (handlers.containsKey(key)) {
                runOne(key, NullNode.getInstance(), JsonNodeFactory.instance.objectNode(), errors);
            }
        }
        return new Outcome(applied, errors);
    }

    private void runOne(String key, JsonNode value, ObjectNode applied, ObjectNode errors) {
        DesiredStateHandler handler = handlers.get(key);
        if (handler == null) {
            if (simulated) {
                applied.set(key, value.deepCopy());
            } else {
                errors.put(key, NO_HANDLER);
            }
            return;
        }
        try {
            handler.apply(value.deepCopy());
            applied.set(key, value.deepCopy());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            errors.put(key, "agent stopping");
        } catch (Exception | LinkageError e) {
            LOG.log(System.Logger.Level.WARNING, "desired key " + key + " not applied", e);
            errors.put(key, e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
        }
    }

    private void load(Path path) {
        try {
            JsonNode stored = JSON.readTree(path.toFile());
            version = stored.path("version").asLong(0);
            if (stored.get("state") instanceof ObjectNode object) {
                state = object;
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "desired state file " + path + " unreadable; starting empty", e);
        }
    }

    private void save() {
        if (file.isEmpty()) {
            return;
        }
        try {
            Path path = file.get();
            Files.createDirectories(path.toAbsolutePath().getParent());
            Path temp = path.resolveSibling(path.getFileName() + ".tmp");
            ObjectNode stored = JsonNodeFactory.instance.objectNode().put("version", version);
            stored.set("state", state);
            JSON.writeValue(temp.toFile(), stored);
            Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the desired state", e);
        }
    }

    /** Stops the worker; a document being applied finishes first. */
    @Override
    public void close() {
        worker.shutdown();
    }
}
