package dev.roost.edge.command;

import dev.roost.protocol.Messages;

/**
 * What the agent remembers of one command id.
 *
 * @param result    the recorded result once {@link Stage#DONE}; null before
 * @param delivered the server acknowledged the result ({@code command_result_ack}) or refused it for good
 *                  ({@code UNKNOWN_COMMAND}); until then the result is sent again
 */
public record JournalEntry(String commandId, String name, Stage stage, Messages.CommandResult result,
                           boolean delivered, long atMillis) {

    public enum Stage {
        /** Acknowledged and running. */
        RUNNING,
        /** A reboot that was acknowledged and waits for {@code reboot_confirm}. */
        AWAITING_REBOOT,
        /** Finished; {@code result} is what was (or will be) sent. */
        DONE
    }

    JournalEntry done(Messages.CommandResult outcome) {
        return new JournalEntry(commandId, name, Stage.DONE, outcome, false, System.currentTimeMillis());
    }

    JournalEntry markDelivered() {
        return new JournalEntry(commandId, name, stage, result, true, atMillis);
    }
}
