/**
 * The agent's configuration: YAML, environment and command-line sources, validation naming the key, redaction.
 */
package dev.roost.edge.config;
