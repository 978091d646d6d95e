package dev.roost.edge.spi;

/**
 * A command the agent can run, found by name: built-ins, implementations registered through
 * {@link java.util.ServiceLoader} ({@code META-INF/services/dev.roost.edge.spi.CommandHandler}) and
 * configured command lines. The agent calls {@link #handle} at most once per command id, on its
 * own virtual thread, and interrupts it on timeout or cancel. An exception becomes a
 * {@code failed} result carrying its message.
 */
public interface CommandHandler {
    /** The command name it answers, as in {@code command.name}. */
    String name();

    CommandOutcome handle(CommandRequest request) throws Exception;
}
