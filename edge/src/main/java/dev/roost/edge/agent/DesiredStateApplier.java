package dev.roost.edge.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.edge.link.Link;
import dev.roost.protocol.MergePatch;
import dev.roost.protocol.Messages;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Applies {@code desired} messages (docs/protocol.md §4): a full document replaces the state, a
 * patch applies only on top of the version it was made for; either way the device answers
 * {@code desired_applied} with the version it now holds. The applied document is kept in the state
 * directory so that a restarted agent knows its version.
 */
public final class DesiredStateApplier {
    private static final System.Logger LOG = System.getLogger(DesiredStateApplier.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Optional<Path> file;
    private final Consumer<ObjectNode> onApplied;
    private long version;
    private ObjectNode state = JsonNodeFactory.instance.objectNode();

    /** @param file where to keep the applied state; empty keeps it in memory (simulated devices) */
    public DesiredStateApplier(Optional<Path> file, Consumer<ObjectNode> onApplied) {
        this.file = file;
        this.onApplied = onApplied;
        file.filter(Files::exists).ifPresent(this::load);
    }

    public long version() {
        return version;
    }

    public ObjectNode state() {
        return state.deepCopy();
    }

    /** Applies and answers; @return true when the held version changed */
    public boolean apply(Link link, Messages.Desired desired) {
        boolean full = Messages.Desired.FULL.equals(desired.mode());
        if (!full && desired.baseVersion() != version) {
            LOG.log(System.Logger.Level.INFO, "desired patch for version {0}, holding {1}: asking for the full state",
                    desired.baseVersion(), version);
            link.send(new Messages.DesiredApplied(version, null, null));
            return false;
        }
        state = full ? desired.state().deepCopy() : MergePatch.apply(state, desired.state());
        version = desired.version();
        save();
        LOG.log(System.Logger.Level.INFO, "desired state version {0} applied", version);
        onApplied.accept(state.deepCopy());
        link.send(new Messages.DesiredApplied(version, state.deepCopy(), null));
        return true;
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
}
