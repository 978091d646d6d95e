package dev.roost.server.security;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.Instant;

/** A person or service account of the northbound API. The password hash never leaves the store. */
public record User(@JsonSerialize(using = ToStringSerializer.class) long id, String username, Role role, boolean disabled, Instant createdAt) {
}
