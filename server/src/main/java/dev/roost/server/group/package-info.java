/** Device groups: named, many-to-many sets of devices. Knows nothing of transports. */
package dev.roost.server.group;
