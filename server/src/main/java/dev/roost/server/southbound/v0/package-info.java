/**
 * The legacy system's device dialect ("v0", /work/shared/legacy/v0-protocol.md; docs/protocol.md
 * "Legacy v0 dialect"), spoken by the unmodified legacy controller on {@code /ws}: its login
 * forms and answers, heartbeat, status upload and orders. A v0 device is an ordinary Roost
 * device: it is admitted through the southbound registry ({@code DialectConnection}), its
 * status goes to the status service in Roost's model and its orders are commands of the command
 * service. Knows nothing of REST or gRPC, and nothing of protocol v1's frames.
 */
package dev.roost.server.southbound.v0;
