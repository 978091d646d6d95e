/**
 * Cloud-to-device commands: their persisted lifecycle, ordered and paced delivery over the device
 * link, timeouts and expiry, idempotency, waiting and group fan-out. Knows nothing of sockets or
 * the northbound transports.
 */
package dev.roost.server.command;
