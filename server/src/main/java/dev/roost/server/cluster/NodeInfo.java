package dev.roost.server.cluster;

import java.time.Instant;

/**
 * A live node of the cluster, as its lease says.
 *
 * @param worker    its worker id: the Snowflake node id of every id it makes (0..1023), unique
 *                  among live nodes
 * @param name      its name ({@code roost.cluster.node-name})
 * @param startedAt when it took the lease
 */
public record NodeInfo(int worker, String name, Instant startedAt) {

    String encode() {
        return worker + "|" + startedAt.toEpochMilli() + "|" + name;
    }

    static NodeInfo decode(byte[] value) {
        String text = new String(value, java.nio.charset.StandardCharsets.UTF_8);
        String[] parts = text.split("\\|", 3);
        return new NodeInfo(Integer.parseInt(parts[0]), parts[2], Instant.ofEpochMilli(Long.parseLong(parts[1])));
    }
}
