package dev.roost.cli.command;

import dev.roost.proto.v1.NetworkInterface;
import picocli.CommandLine;

/** Reads {@code --nic TYPE,MAC[,IPV4]}, e.g. {@code ethernet,00:1a:2b:3c:4d:5e,192.168.1.10}. */
public final class NicConverter implements CommandLine.ITypeConverter<NetworkInterface> {
    @Override
    public NetworkInterface convert(String value) {
        String[] parts = value.split(",", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isBlank() || parts[1].isBlank()) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not TYPE,MAC[,IPV4] "
                    + "(e.g. ethernet,00:1a:2b:3c:4d:5e,192.168.1.10)");
        }
        NetworkInterface.Builder nic = NetworkInterface.newBuilder().setType(parts[0].strip()).setMac(parts[1].strip());
        if (parts.length == 3) {
            nic.setIpv4(parts[2].strip());
        }
        return nic.build();
    }
}
