package dev.roost.server.command;

import dev.roost.server.common.Ids;

/** A command's Snowflake id. */
public record CommandId(long value) {
    public static CommandId parse(String field, String text) {
        return new CommandId(Ids.parse(field, text));
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
