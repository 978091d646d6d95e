/**
 * Where and how the CLI connects: the config file with named contexts, the precedence of flags over
 * environment over the current context, and the gRPC channel with its bearer token and deadlines.
 * Knows nothing of commands or output formats.
 */
package dev.roost.cli.connect;
