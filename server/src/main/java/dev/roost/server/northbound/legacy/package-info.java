/**
 * The legacy REST adapter: the 24 paths of the older Python system under
 * {@code /service/devices_manage}, with its request forms (nested or flat bodies, {@code nic1_*},
 * {@code yyyy-MM-dd} dates), answer shapes and error texts (docs/api.md, "Legacy REST API"). A
 * third adapter over the same use cases as {@code /api/v1} and gRPC: it keeps no state of its own
 * beyond the one-order-per-device rule of {@code give_order}. Knows nothing of gRPC, the other REST
 * services or the southbound link.
 */
package dev.roost.server.northbound.legacy;
