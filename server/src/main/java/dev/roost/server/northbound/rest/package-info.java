/**
 * The northbound REST adapter of /api/v1: thin services over the use
 * cases, the bearer-token filter and the one error handler. Knows nothing of gRPC.
 */
package dev.roost.server.northbound.rest;
