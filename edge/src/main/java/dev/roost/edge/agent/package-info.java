/**
 * The agent: wiring of link, status, desired state and commands; the command-line entry of the agent.
 */
package dev.roost.edge.agent;
