/** Roost's meters for {@code /observe/metrics}. */
package dev.roost.server.observe;
