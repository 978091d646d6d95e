package dev.roost.server.cluster;

/**
 * Where a device's live session is: the node (worker id) and the session's epoch, a cluster-wide
 * unique number for that session (a Snowflake id).
 */
public record Presence(int worker, long epoch) {

    String encode() {
        return worker + "|" + epoch;
    }

    static Presence decode(byte[] value) {
        String text = new String(value, java.nio.charset.StandardCharsets.UTF_8);
        int bar = text.indexOf('|');
        return new Presence(Integer.parseInt(text.substring(0, bar)), Long.parseLong(text.substring(bar + 1)));
    }
}
