/**
 * Roost's benchmark programs: provisions a fleet through the northbound gRPC API and drives
 * closed-loop load against it, recording latency with HdrHistogram. A client of the public
 * contract only: knows nothing of the server's classes or its database.
 */
package dev.roost.bench;
