package dev.roost.server.device;

import dev.roost.server.common.DeviceState;
import dev.roost.server.common.GroupId;
import dev.roost.server.common.Validation;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Which devices a listing returns; every present criterion must hold. */
public record DeviceFilter(Set<DeviceState> states,
                           Optional<GroupId> group,
                           Map<String, String> labels,
                           Optional<String> namePrefix,
                           Optional<String> modelPrefix) {

    public static final DeviceFilter ALL = new DeviceFilter(Set.of(), Optional.empty(), Map.of(),
            Optional.empty(), Optional.empty());

    public DeviceFilter validated() {
        return new DeviceFilter(Set.copyOf(states), group, Validation.labels("labels", labels),
                namePrefix.map(p -> Validation.optional("name_prefix", p, 128)).filter(p -> !p.isEmpty()),
                modelPrefix.map(p -> Validation.optional("model_prefix", p, 128)).filter(p -> !p.isEmpty()));
    }
}
