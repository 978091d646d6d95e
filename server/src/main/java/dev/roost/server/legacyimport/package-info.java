/**
 * {@code roost-server import-legacy}: copies the legacy system's database (tables {@code devices},
 * {@code group_info}, {@code relations}) into Roost through the device and group stores, keeping
 * device ids, group ids and bcrypt password hashes. Knows nothing of transports.
 */
package dev.roost.server.legacyimport;
