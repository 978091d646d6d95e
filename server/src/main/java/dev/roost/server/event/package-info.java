/**
 * Device events: the typed event model ({@link dev.roost.server.event.DeviceEvent}, one
 * {@link dev.roost.server.event.EventDetail} per type), the device log's port
 * ({@link dev.roost.server.event.EventStore}), batched recording, and the in-process fan-out to
 * listeners and bounded watch subscriptions. It knows no feature that produces events (devices,
 * commands, status): they depend on it, never the other way.
 */
package dev.roost.server.event;
