package dev.roost.server.command;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.roost.server.common.Ids;

/** A command's Snowflake id; JSON carries it as a string, like every id. */
@JsonSerialize(using = ToStringSerializer.class)
public record CommandId(long value) {
    public static CommandId parse(String field, String text) {
        return new CommandId(Ids.parse(field, text));
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
