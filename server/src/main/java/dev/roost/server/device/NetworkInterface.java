package dev.roost.server.device;

import dev.roost.server.common.Validation;
import dev.roost.server.error.RoostException;

import java.util.ArrayList;
import java.util.List;

/** One network interface as the device's record describes it. */
public record NetworkInterface(String type, String mac, String ipv4) {
    public static final int MAX_INTERFACES = 32;

    public static List<NetworkInterface> validated(String field, List<NetworkInterface> nics) {
        if (nics == null) {
            return List.of();
        }
        if (nics.size() > MAX_INTERFACES) {
            throw RoostException.invalid(field,
                    "at most " + MAX_INTERFACES + " interfaces, was " + nics.size());
        }
        List<NetworkInterface> result = new ArrayList<>(nics.size());
        for (int i = 0; i < nics.size(); i++) {
            NetworkInterface nic = nics.get(i);
            String at = field + "[" + i + "]";
            if (nic == null) {
                throw RoostException.invalid(at, "must be an object");
            }
            result.add(new NetworkInterface(Validation.optional(at + ".type", nic.type(), 32),
                    Validation.mac(at + ".mac", nic.mac()),
                    Validation.ipv4(at + ".ipv4", nic.ipv4())));
        }
        return List.copyOf(result);
    }
}
