/**
 * The fleet simulator: many simulated devices over the agent's own link code in one process.
 */
package dev.roost.edge.sim;
