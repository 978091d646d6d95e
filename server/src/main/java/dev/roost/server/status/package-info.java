/**
 * Device state: the reported status (snapshots and merge-patch diffs, versioned, held in memory and
 * persisted coalesced with a sampled history) and the desired state pushed to devices. Knows
 * nothing of sockets or the northbound transports.
 */
package dev.roost.server.status;
