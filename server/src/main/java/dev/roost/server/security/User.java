package dev.roost.server.security;

import java.time.Instant;

/** A person or service account of the northbound API. The password hash never leaves the store. */
public record User(long id, String username, Role role, boolean disabled, Instant createdAt) {
}
