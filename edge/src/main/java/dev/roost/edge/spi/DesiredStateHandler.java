package dev.roost.edge.spi;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Applies one top-level key of the desired state (docs/edge.md "Desired state"): found through
 * {@link java.util.ServiceLoader} ({@code META-INF/services/dev.roost.edge.spi.DesiredStateHandler}),
 * given to the agent's builder, or a configured script ({@code desired-handlers.<key>}).
 * <p>
 * The agent calls {@link #apply} with the key's whole value every time a new desired version
 * arrives and once after every agent start, one call at a time, never on the network thread; it
 * must therefore be idempotent. A removed key is applied once with a JSON {@code null}. Returning
 * normally reports the key in {@code applied}; an exception reports its message in {@code errors}.
 */
public interface DesiredStateHandler {
    /** The top-level key of the desired document it applies. */
    String key();

    void apply(JsonNode value) throws Exception;
}
