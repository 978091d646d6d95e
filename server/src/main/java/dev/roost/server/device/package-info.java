/**
 * The device registry: devices, their lifecycle and their event log. Use cases live in
 * {@link dev.roost.server.device.DeviceService}; it knows nothing of gRPC, REST or WebSockets.
 */
package dev.roost.server.device;
