/**
 * The northbound REST adapter (/api/v1 and the seed's /service aliases): thin services over the use
 * cases, the bearer-token filter and the one error handler. Knows nothing of gRPC.
 */
package dev.roost.server.northbound.rest;
