/**
 * The device link: Netty WebSocket transport, the one reconnect loop per device, backoff, heartbeats and dead-link detection. Knows the protocol envelope, not what status or commands mean.
 */
package dev.roost.edge.link;
