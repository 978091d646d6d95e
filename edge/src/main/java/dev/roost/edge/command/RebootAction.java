package dev.roost.edge.command;

import java.util.Optional;

/** What the agent does once the server confirmed a reboot: reboot the machine, or refuse to. */
public interface RebootAction {
    /**
     * Starts the machine's reboot; runs on its own virtual thread. Returns when the operating system
     * accepted the request (the agent is then stopped by the shutdown); throws, with the operating
     * system's own error text as the message, when it did not.
     */
    void reboot() throws Exception;

    /** Present when this device does not reboot at all: the reason, sent as the command's failure. */
    default Optional<String> refusal() {
        return Optional.empty();
    }

    /** A device that refuses every reboot with {@code reason}. */
    static RebootAction refused(String reason) {
        return new RebootAction() {
            @Override
            public void reboot() {
                throw new IllegalStateException(reason);
            }

            @Override
            public Optional<String> refusal() {
                return Optional.of(reason);
            }
        };
    }
}
