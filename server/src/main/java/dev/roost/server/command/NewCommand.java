package dev.roost.server.command;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What a caller gives to send a command.
 *
 * @param timeout          how long the device may take once delivered; empty for the default
 * @param deliveryDeadline when an undelivered command expires; empty for the default window
 * @param idempotencyKey   the same key with the same name and params returns the same command
 */
public record NewCommand(String name, ObjectNode params, Optional<Duration> timeout,
                         Optional<Instant> deliveryDeadline, Optional<String> idempotencyKey) {
}
