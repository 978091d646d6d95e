/**
 * The northbound gRPC adapter (roost.v1): thin services over the use cases, authentication and
 * error mapping interceptors. Knows nothing of REST or the southbound channel.
 */
package dev.roost.server.northbound.grpc;
