/**
 * Roost's benchmark programs: provisions a fleet through the northbound gRPC API and drives
 * closed-loop load against it, recording latency with HdrHistogram; and bare Helidon servers (gRPC,
 * WebSocket) that Roost's cost per call and per device session is compared with. A client of the
 * public contracts only: knows nothing of the server's classes or its database.
 */
package dev.roost.bench;
