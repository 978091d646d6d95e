/**
 * Connection-level corrections to Helidon's protocol handling, installed through Helidon's service
 * loader extension points: HPACK pseudo-header names sent as literals (HTTP/2) and reserved
 * WebSocket opcodes; and the request-body reader the REST adapters share, which reports broken
 * chunked framing as the client's error. Knows nothing of Roost's features, transports' routes or the API.
 */
package dev.roost.server.transport;
