/**
 * The southbound channel (docs/protocol.md): the WebSocket endpoint, device authentication, live
 * sessions, liveness and presence. Knows nothing of REST or gRPC; it talks to the status, desired
 * state and command features through their services.
 */
package dev.roost.server.southbound;
