/** Roost's server: start-up, settings and the wiring of features into one Helidon WebServer. */
package dev.roost.server;
