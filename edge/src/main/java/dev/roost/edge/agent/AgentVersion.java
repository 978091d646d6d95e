package dev.roost.edge.agent;

/** The agent's version as reported in {@code auth} and status. */
public final class AgentVersion {
    public static final String VALUE = "0.1.0";

    private AgentVersion() {
    }
}
