/**
 * Device state: collection (OSHI, boot id) and reporting as snapshots and merge-patch diffs against the last acked version.
 */
package dev.roost.edge.status;
