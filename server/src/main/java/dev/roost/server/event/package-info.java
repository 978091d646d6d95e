/** In-process fan-out of device events to listeners and bounded watch subscriptions. */
package dev.roost.server.event;
