/**
 * The fault-injection suite (docs/reliability.md): starts the real server jar, its database and a fleet
 * of devices built from the real agent's link and command runner, injects one fault (kill -9, SIGSTOP,
 * a lossy link, hostile input), lets the system settle and counts what was lost. Counts come from
 * both ends: commands lost from the server's answers, executions twice from the devices' own records.
 * Knows nothing of the server's internals beyond its public APIs and its database schema.
 */
package dev.roost.fault;
