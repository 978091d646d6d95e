package dev.roost.server.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.server.common.GroupId;

import java.time.Instant;
import java.util.Map;

/** A command sent to every member of a group: one command per member, and progress counts. */
public record GroupCommand(GroupCommandId id, GroupId groupId, String name, ObjectNode params, long total,
                           Map<CommandState, Long> countsByState, Instant createdAt) {
}
