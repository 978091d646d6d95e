/**
 * The agent's one logging setup: JUL to size- and time-rotated files and the console.
 */
package dev.roost.edge.logging;
