/**
 * The device link: Netty WebSocket transport, the one reconnect loop per device, backoff, heartbeats, dead-link detection and where session tokens are kept between processes. Knows the protocol envelope, not what status or commands mean.
 */
package dev.roost.edge.link;
