package dev.roost.server.event;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/** The type-specific part of a {@link DeviceEvent}: one record per {@link EventType}. */
public sealed interface EventDetail {

    /** Whether this detail belongs to an event of {@code type}. */
    boolean fits(EventType type);

    /** A registry change carries nothing beyond the event's states and reason. */
    record LifecycleDetail() implements EventDetail {
        @Override
        public boolean fits(EventType type) {
            return type == EventType.LIFECYCLE;
        }
    }

    /**
     * A connect or a disconnect.
     *
     * @param epoch        the connection's epoch on its node; absent when no connection is known (a
     *                     device found offline after its node was lost)
     * @param source       where the connection came from (the peer's address), or "cluster"
     * @param agentVersion the version the agent announced at login
     * @param dialect      the device protocol's dialect when it is not the current one ("v0")
     */
    record ConnectionDetail(OptionalLong epoch, Optional<String> source, Optional<String> agentVersion,
                            Optional<String> dialect) implements EventDetail {
        public ConnectionDetail {
            Objects.requireNonNull(epoch, "epoch");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(agentVersion, "agentVersion");
            Objects.requireNonNull(dialect, "dialect");
        }

        /** A connection of this node, with its peer's address. */
        public static ConnectionDetail of(long epoch, String source) {
            return new ConnectionDetail(OptionalLong.of(epoch), Optional.of(source), Optional.empty(),
                    Optional.empty());
        }

        /** The end of a connection, known by its epoch only. */
        public static ConnectionDetail ofEpoch(long epoch) {
            return new ConnectionDetail(OptionalLong.of(epoch), Optional.empty(), Optional.empty(), Optional.empty());
        }

        /** A presence change with no connection behind it. */
        public static ConnectionDetail ofSource(String source) {
            return new ConnectionDetail(OptionalLong.empty(), Optional.of(source), Optional.empty(), Optional.empty());
        }

        public ConnectionDetail withAgentVersion(String version) {
            return new ConnectionDetail(epoch, source, Optional.of(version), dialect);
        }

        public ConnectionDetail withDialect(String name) {
            return new ConnectionDetail(epoch, source, agentVersion, Optional.of(name));
        }

        @Override
        public boolean fits(EventType type) {
            return type.isPresence();
        }
    }

    /**
     * An accepted status report.
     *
     * @param version the version the report was stored as
     * @param bootId  the boot id the report carried, "" when none
     */
    record StatusDetail(long version, String bootId) implements EventDetail {
        public StatusDetail {
            Objects.requireNonNull(bootId, "bootId");
        }

        @Override
        public boolean fits(EventType type) {
            return type == EventType.STATUS;
        }
    }

    /**
     * A command's transition. The event package knows nothing of commands, so the command's id
     * and state are carried by value.
     *
     * @param commandId      the command's id
     * @param name           the command's name ("reboot", ...)
     * @param state          the state it entered: the name of a {@code CommandState} ("SUCCEEDED")
     * @param groupCommandId the group command it belongs to, 0 when none
     */
    record CommandDetail(long commandId, String name, String state, long groupCommandId) implements EventDetail {
        public CommandDetail {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(state, "state");
        }

        public boolean inGroupCommand(long id) {
            return groupCommandId != 0 && groupCommandId == id;
        }

        @Override
        public boolean fits(EventType type) {
            return type == EventType.COMMAND;
        }
    }
}
