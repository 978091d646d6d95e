package dev.roost.edge.spi;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;

/**
 * One command to run.
 *
 * @param params  the command's parameters, never null
 * @param timeout how long the server waits for the result
 */
public record CommandRequest(String commandId, String name, ObjectNode params, Duration timeout) {
}
