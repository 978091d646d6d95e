package dev.roost.edge.command;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.roost.protocol.Messages;
import dev.roost.protocol.PduCodec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The durable dedupe journal and result outbox: the most recent command ids with their stage and
 * recorded result, in one small JSON file rewritten atomically on every change. A command id found
 * here is never run again (its recorded result is sent again instead), and results the server has
 * not acknowledged yet are kept, across restarts, and sent again after the next connect. Bounded:
 * the oldest acknowledged entries go first; past {@code capacity} the oldest go regardless.
 */
public final class CommandJournal {
    private static final System.Logger LOG = System.getLogger(CommandJournal.class.getName());

    private final Path file;
    private final int capacity;
    private final PduCodec codec;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<String, JournalEntry> entries = new LinkedHashMap<>();

    private CommandJournal(Path file, int capacity, PduCodec codec) {
        this.file = file;
        this.capacity = capacity;
        this.codec = codec;
    }

    /**
     * Opens the journal at {@code file}, creating it when absent. Commands that were running when the
     * agent stopped are recorded as failed: running them again could do their work twice.
     */
    public static CommandJournal open(Path file, int capacity, PduCodec codec) {
        CommandJournal journal = new CommandJournal(file, capacity, codec);
        journal.load();
        return journal;
    }

    public Optional<JournalEntry> find(String commandId) {
        lock.lock();
        try {
            return Optional.ofNullable(entries.get(commandId));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records a new command unless its id is known.
     *
     * @return true when it was new and the caller may run it
     */
    public boolean begin(String commandId, String name, JournalEntry.Stage stage) {
        lock.lock();
        try {
            if (entries.containsKey(commandId)) {
                return false;
            }
            entries.put(commandId, new JournalEntry(commandId, name, stage, null, false, System.currentTimeMillis()));
            trim();
            save();
            return true;
        } finally {
            lock.unlock();
        }
    }

    public JournalEntry finish(String commandId, Messages.CommandResult result) {
        return update(commandId, entry -> entry.done(result));
    }

    public void delivered(String commandId) {
        update(commandId, JournalEntry::markDelivered);
    }

    /** Results waiting for a live link, oldest first. */
    public List<JournalEntry> undelivered() {
        lock.lock();
        try {
            return entries.values().stream()
                    .filter(e -> e.stage() == JournalEntry.Stage.DONE && !e.delivered() && e.result() != null)
                    .toList();
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }

    private JournalEntry update(String commandId, java.util.function.UnaryOperator<JournalEntry> change) {
        lock.lock();
        try {
            JournalEntry entry = entries.get(commandId);
            if (entry == null) {
                throw new IllegalStateException("no journal entry for command " + commandId);
            }
            JournalEntry changed = change.apply(entry);
            entries.put(commandId, changed);
            save();
            return changed;
        } finally {
            lock.unlock();
        }
    }

    private void trim() {
        while (entries.size() > capacity) {
            String victim = entries.values().stream()
                    .filter(e -> e.stage() == JournalEntry.Stage.DONE && e.delivered())
                    .map(JournalEntry::commandId)
                    .findFirst()
                    .orElse(entries.keySet().iterator().next());
            entries.remove(victim);
        }
    }

    private void load() {
        if (!Files.exists(file)) {
            return;
        }
        List<JournalEntry> stored;
        try {
            stored = codec.mapper().readValue(file.toFile(), new TypeReference<List<JournalEntry>>() {
            });
        } catch (IOException e) {
            // A corrupt journal must not keep the agent from starting; say so loudly.
            LOG.log(System.Logger.Level.WARNING, "command journal " + file + " unreadable, starting empty", e);
            return;
        }
        boolean changed = false;
        for (JournalEntry entry : stored) {
            if (entry.stage() == JournalEntry.Stage.RUNNING) {
                entry = entry.done(new Messages.CommandResult(entry.commandId(), Messages.CommandResult.FAILED, -1,
                        null, "the agent stopped while the command ran; not run again"));
                changed = true;
            }
            entries.put(entry.commandId(), entry);
        }
        if (changed) {
            save();
        }
    }

    private void save() {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            codec.mapper().writeValue(temp.toFile(), new ArrayList<>(entries.values()));
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write command journal " + file, e);
        }
    }

    Map<String, JournalEntry> snapshot() {
        lock.lock();
        try {
            return Map.copyOf(entries);
        } finally {
            lock.unlock();
        }
    }
}
