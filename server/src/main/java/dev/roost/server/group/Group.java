package dev.roost.server.group;

import dev.roost.server.common.GroupId;

import java.time.Instant;

/** A named set of devices. */
public record Group(GroupId id, String name, String description, long memberCount, Instant createdAt,
                    Instant updatedAt) {
}
