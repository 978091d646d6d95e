package dev.roost.server.device;

import dev.roost.server.common.DeviceId;
import dev.roost.server.common.DeviceState;

/**
 * What the southbound channel checks when a device connects.
 *
 * @param credentialVersion bumped on every secret rotation; session tokens carry it
 */
public record DeviceCredentials(DeviceId id, DeviceState state, String secretHash, int credentialVersion) {
}
