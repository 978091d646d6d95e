package dev.roost.server.northbound.legacy;

import dev.roost.server.config.Settings;
import dev.roost.server.security.Cidr;
import io.helidon.config.Config;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Settings of the legacy REST paths ({@code roost.legacy.rest}).
 *
 * @param open    when true, callers from {@code clients} need no bearer token on the legacy paths
 *                (the legacy system had no authentication); callers elsewhere still need one
 * @param clients the networks trusted when {@code open}; loopback by default
 */
public record LegacyRestSettings(boolean open, List<Cidr> clients) {
    public static final String DEFAULT_CLIENTS = "127.0.0.1/32,::1/128";

    public static LegacyRestSettings create(Config node) {
        boolean open = Settings.bool(node, "open", false);
        String clients = Settings.string(node, "clients", DEFAULT_CLIENTS);
        try {
            List<Cidr> networks = Arrays.stream(clients.split(","))
                    .map(String::strip)
                    .filter(s -> !s.isEmpty())
                    .map(Cidr::parse)
                    .toList();
            if (open && networks.isEmpty()) {
                throw Settings.invalid(node, "clients", "must name at least one network when open is true");
            }
            return new LegacyRestSettings(open, networks);
        } catch (IllegalArgumentException e) {
            throw Settings.invalid(node, "clients", e.getMessage());
        }
    }

    public boolean trusts(InetAddress address) {
        return clients.stream().anyMatch(network -> network.contains(address));
    }

    /** The trusted networks, comma-separated, for the start-up warning and the health details. */
    public String clientList() {
        return clients.stream().map(Cidr::toString).collect(Collectors.joining(","));
    }
}
