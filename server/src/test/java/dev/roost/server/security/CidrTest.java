package dev.roost.server.security;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrTest {
    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void ipv4Network_matchesItsAddressesOnly() throws Exception {
        Cidr net = Cidr.parse("10.1.0.0/16");

        assertThat(net.contains(ip("10.1.0.1"))).isTrue();
        assertThat(net.contains(ip("10.1.255.255"))).isTrue();
        assertThat(net.contains(ip("10.2.0.1"))).isFalse();
        assertThat(net.contains(ip("::1"))).isFalse();
        assertThat(net.toString()).isEqualTo("10.1.0.0/16");
    }

    @Test
    void prefixNotOnAByteBoundary_andHostBitsInTheNetwork_areMasked() throws Exception {
        Cidr net = Cidr.parse("192.168.1.77/27");

        assertThat(net.toString()).isEqualTo("192.168.1.64/27");
        assertThat(net.contains(ip("192.168.1.95"))).isTrue();
        assertThat(net.contains(ip("192.168.1.96"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(ip("203.0.113.9"))).isTrue();
    }

    @Test
    void bareAddress_isThatOneAddress() throws Exception {
        assertThat(Cidr.parse("127.0.0.1").contains(ip("127.0.0.1"))).isTrue();
        assertThat(Cidr.parse("127.0.0.1").contains(ip("127.0.0.2"))).isFalse();
        assertThat(Cidr.parse("::1").contains(ip("::1"))).isTrue();
    }

    @Test
    void ipv6Network_matchesItsAddresses_andMappedIpv4MatchesIpv4() throws Exception {
        Cidr net = Cidr.parse("fd00:ab::/33");

        assertThat(net.contains(ip("fd00:ab:7fff::1"))).isTrue();
        assertThat(net.contains(ip("fd00:ab:8000::1"))).isFalse();
        assertThat(net.contains(ip("10.0.0.1"))).isFalse();
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 10;
        mapped[15] = 5;
        assertThat(Cidr.parse("10.0.0.0/8").contains(java.net.Inet6Address.getByAddress(null, mapped, null)))
                .isTrue();
    }

    @Test
    void hostNamesAndBadPrefixes_areRefused() {
        assertThatThrownBy(() -> Cidr.parse("localhost")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("0..32");
        assertThatThrownBy(() -> Cidr.parse("::/129")).hasMessageContaining("0..128");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("")).isInstanceOf(IllegalArgumentException.class);
    }
}
