package dev.roost.edge.status;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Produces the device's current state object, with the member names of docs/protocol.md §4. */
@FunctionalInterface
public interface StatusSource {
    /** A new object on every call; may block for a short while (sampling). */
    ObjectNode collect();
}
