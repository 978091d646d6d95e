/**
 * Several Roost nodes serving one fleet over NATS (JetStream key-value buckets and core
 * request/reply) and the shared database: node leases (unique node and Snowflake worker ids),
 * the cluster-wide presence directory, routing of downlink messages to the node that holds a
 * device's session, and fan-out of device events to every node. Single-node servers do not use
 * this package. It knows the {@code DeviceLink} port and device events, nothing of REST, gRPC or
 * sockets.
 */
package dev.roost.server.cluster;
