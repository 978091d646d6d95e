/**
 * The TCP connections of the server's one listener, whatever they carry (REST, gRPC, WebSocket):
 * counts them, and closes those that hold a socket without using it — headers that never end,
 * or a {@code Connection: close} the client does not act on. Knows nothing of devices or the API.
 */
package dev.roost.server.connection;
