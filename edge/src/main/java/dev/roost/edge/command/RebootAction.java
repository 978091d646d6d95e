package dev.roost.edge.command;

/** What the agent does once the server confirmed a reboot. */
@FunctionalInterface
public interface RebootAction {
    /** Reboots (or restarts the agent); runs on its own virtual thread. */
    void reboot() throws Exception;
}
