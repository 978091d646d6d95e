package dev.roost.server.northbound.grpc;

import dev.roost.proto.v1.DeviceEvent;
import dev.roost.proto.v1.PageInfo;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.DeviceState;
import dev.roost.server.common.Page;
import dev.roost.server.common.PageRequest;
import dev.roost.server.device.Device;
import dev.roost.server.device.Hardware;
import dev.roost.server.device.NetworkInterface;
import dev.roost.server.error.RoostException;
import dev.roost.server.event.EventDetailJson;
import dev.roost.server.group.Group;
import dev.roost.server.security.ApiToken;
import dev.roost.server.security.Role;
import dev.roost.server.security.User;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Conversions between the domain records and the roost.v1 messages. */
final class ProtoMapper {
    private ProtoMapper() {
    }

    static PageRequest page(dev.roost.proto.v1.PageRequest page) {
        return PageRequest.of(page.getPageSize(), page.getCursor());
    }

    static PageInfo pageInfo(Page<?> page) {
        return PageInfo.newBuilder().setNextCursor(page.nextCursor().orElse("")).setTotalCount(page.totalCount())
                .build();
    }

    static dev.roost.proto.v1.Device device(Device device) {
        return dev.roost.proto.v1.Device.newBuilder()
                .setId(device.id().toString())
                .setName(device.name())
                .setType(device.type())
                .setHardware(hardware(device.hardware()))
                .setSoftwareVersion(device.softwareVersion())
                .setSoftwareUpdatedAtMs(millis(device.softwareUpdatedAt()))
                .addAllNetworkInterfaces(device.networkInterfaces().stream().map(ProtoMapper::nic).toList())
                .setDescription(device.description())
                .putAllLabels(device.labels())
                .setState(state(device.state()))
                .setCreatedAtMs(device.createdAt().toEpochMilli())
                .setUpdatedAtMs(device.updatedAt().toEpochMilli())
                .setLastSeenAtMs(millis(device.lastSeenAt()))
                .build();
    }

    static dev.roost.proto.v1.Hardware hardware(Hardware hardware) {
        return dev.roost.proto.v1.Hardware.newBuilder().setSerial(hardware.serial()).setModel(hardware.model()).build();
    }

    static Hardware hardware(dev.roost.proto.v1.Hardware hardware) {
        return new Hardware(hardware.getSerial(), hardware.getModel());
    }

    static dev.roost.proto.v1.NetworkInterface nic(NetworkInterface nic) {
        return dev.roost.proto.v1.NetworkInterface.newBuilder().setType(nic.type()).setMac(nic.mac())
                .setIpv4(nic.ipv4()).build();
    }

    static List<NetworkInterface> nics(List<dev.roost.proto.v1.NetworkInterface> nics) {
        return nics.stream().map(n -> new NetworkInterface(n.getType(), n.getMac(), n.getIpv4())).toList();
    }

    static dev.roost.proto.v1.DeviceState state(DeviceState state) {
        return dev.roost.proto.v1.DeviceState.valueOf(state.name());
    }

    static DeviceState state(dev.roost.proto.v1.DeviceState state) {
        if (state == dev.roost.proto.v1.DeviceState.DEVICE_STATE_UNSPECIFIED
                || state == dev.roost.proto.v1.DeviceState.UNRECOGNIZED) {
            throw RoostException.invalid("states", "must be a known device state, was " + state);
        }
        return DeviceState.valueOf(state.name());
    }

    static DeviceEvent event(dev.roost.server.event.DeviceEvent event) {
        return DeviceEvent.newBuilder()
                .setId(Long.toString(event.id()))
                .setDeviceId(event.deviceId().toString())
                .setAtMs(event.at().toEpochMilli())
                .setType(event.type().wireName())
                .setActor(event.actor())
                .setFromState(state(event.from()))
                .setToState(state(event.to()))
                .setReason(event.reason())
                .setDetailJson(EventDetailJson.write(event.detail()))
                .build();
    }

    static dev.roost.proto.v1.Group group(Group group) {
        return dev.roost.proto.v1.Group.newBuilder()
                .setId(group.id().toString())
                .setName(group.name())
                .setDescription(group.description())
                .setMemberCount(group.memberCount())
                .setCreatedAtMs(group.createdAt().toEpochMilli())
                .setUpdatedAtMs(group.updatedAt().toEpochMilli())
                .build();
    }

    static List<DeviceId> deviceIds(String field, List<String> ids) {
        return ids.stream().map(id -> DeviceId.parse(field, id)).toList();
    }

    static Role role(dev.roost.proto.v1.Role role) {
        return switch (role) {
            case VIEWER -> Role.VIEWER;
            case OPERATOR -> Role.OPERATOR;
            case ADMIN -> Role.ADMIN;
            default -> throw RoostException.invalid("role", "must be VIEWER, OPERATOR or ADMIN");
        };
    }

    static dev.roost.proto.v1.Role role(Role role) {
        return dev.roost.proto.v1.Role.valueOf(role.name());
    }

    static dev.roost.proto.v1.User user(User user) {
        return dev.roost.proto.v1.User.newBuilder()
                .setId(Long.toString(user.id()))
                .setUsername(user.username())
                .setRole(role(user.role()))
                .setDisabled(user.disabled())
                .setCreatedAtMs(user.createdAt().toEpochMilli())
                .build();
    }

    static dev.roost.proto.v1.ApiToken token(ApiToken token) {
        return dev.roost.proto.v1.ApiToken.newBuilder()
                .setId(Long.toString(token.id()))
                .setName(token.name())
                .setRole(role(token.role()))
                .setUserId(token.userId() == 0 ? "" : Long.toString(token.userId()))
                .setCreatedAtMs(token.createdAt().toEpochMilli())
                .setExpiresAtMs(millis(token.expiresAt()))
                .setRevokedAtMs(millis(token.revokedAt()))
                .build();
    }

    static Optional<Instant> instant(long millis) {
        if (millis < 0) {
            throw RoostException.invalid("timestamp", "must not be negative");
        }
        return millis == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
    }

    static long millis(Optional<Instant> instant) {
        return instant.map(Instant::toEpochMilli).orElse(0L);
    }
}
