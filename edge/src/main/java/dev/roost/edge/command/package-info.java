/**
 * Downlink commands: the runner, the durable dedupe journal and result outbox, built-in handlers and SFTP upload. Knows nothing of sockets.
 */
package dev.roost.edge.command;
