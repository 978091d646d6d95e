/**
 * The extension point for custom commands, loaded with java.util.ServiceLoader.
 */
package dev.roost.edge.spi;
