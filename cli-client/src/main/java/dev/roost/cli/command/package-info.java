/**
 * The picocli command tree: {@link dev.roost.cli.command.RoostCommand} holds the global options and
 * one class per command group ({@code device}, {@code group}, ...) holds its subcommands as methods.
 * Commands check their arguments before connecting, so a usage error sends nothing to the server.
 */
package dev.roost.cli.command;
