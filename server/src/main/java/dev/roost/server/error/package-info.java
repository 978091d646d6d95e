/**
 * The single error model: {@link dev.roost.server.error.ErrorCode} and the exception that carries
 * it. Knows gRPC status codes and HTTP status numbers, but no transport's request or response types.
 */
package dev.roost.server.error;
