/** Typed, validated reads of Helidon Config; every failure names its key. */
package dev.roost.server.config;
