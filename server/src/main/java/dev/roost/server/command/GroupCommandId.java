package dev.roost.server.command;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.roost.server.common.Ids;

/** A group command's Snowflake id; JSON carries it as a string, like every id. */
@JsonSerialize(using = ToStringSerializer.class)
public record GroupCommandId(long value) {
    public static GroupCommandId parse(String field, String text) {
        return new GroupCommandId(Ids.parse(field, text));
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
