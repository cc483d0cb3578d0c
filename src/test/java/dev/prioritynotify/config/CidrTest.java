package dev.prioritynotify.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CidrTest {
    private static boolean in(String cidr, String address) {
        return Cidr.parse(cidr).contains(Cidr.address(address));
    }

    @Test
    void anIpv4Block_holdsItsAddressesAndNoOthers() {
        assertThat(in("10.0.0.0/8", "10.255.1.2")).isTrue();
        assertThat(in("10.0.0.0/8", "11.0.0.1")).isFalse();
        assertThat(in("172.16.0.0/12", "172.31.255.255")).isTrue();
        assertThat(in("172.16.0.0/12", "172.32.0.0")).isFalse();
        assertThat(in("192.168.1.128/25", "192.168.1.200")).isTrue();
        assertThat(in("192.168.1.128/25", "192.168.1.127")).isFalse();
        assertThat(in("0.0.0.0/0", "203.0.113.9")).isTrue();
    }

    @Test
    void aBareAddress_isABlockOfThatOneAddress() {
        assertThat(Cidr.parse("127.0.0.1").prefixLength()).isEqualTo(32);
        assertThat(in("127.0.0.1", "127.0.0.1")).isTrue();
        assertThat(in("127.0.0.1", "127.0.0.2")).isFalse();
        assertThat(Cidr.parse("::1").prefixLength()).isEqualTo(128);
        assertThat(in("::1", "0:0:0:0:0:0:0:1")).isTrue();
        assertThat(in("::1", "::2")).isFalse();
    }

    @Test
    void anIpv6Block_holdsItsAddresses_andBracketsAreAccepted() {
        assertThat(in("fd00::/8", "fd12:3456::1")).isTrue();
        assertThat(in("fd00::/8", "fe80::1")).isFalse();
        assertThat(in("2001:db8::/32", "[2001:db8:ffff::1]")).isTrue();
        assertThat(in("2001:db8::/33", "2001:db8:8000::1")).isFalse();
    }

    @Test
    void theFamiliesNeverMatchEachOther() {
        assertThat(in("0.0.0.0/0", "::1")).isFalse();
        assertThat(in("::/0", "127.0.0.1")).isFalse();
    }

    @Test
    void anIpv4MappedIpv6Block_countsItsPrefixOverTheWhole128Bits() {
        assertThat(Cidr.parse("::ffff:10.0.0.0/104")).isEqualTo(Cidr.parse("10.0.0.0/8"));
    }

    @Test
    void theBlockIsStoredAsItsFirstAddress() {
        assertThat(Cidr.parse("10.1.2.3/8")).isEqualTo(Cidr.parse("10.0.0.0/8"));
        assertThat(Cidr.parse("10.1.2.3/8")).hasToString("10.0.0.0/8");
    }

    @Test
    void malformedBlocksAreRefusedWithTheTextInTheMessage() {
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("between 0 and 32");
        assertThatThrownBy(() -> Cidr.parse("::/129")).hasMessageContaining("between 0 and 128");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/")).hasMessageContaining("no prefix length");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/x")).hasMessageContaining("no prefix length");
        assertThatThrownBy(() -> Cidr.parse("256.0.0.1")).hasMessageContaining("'256.0.0.1' is not an IP address");
        assertThatThrownBy(() -> Cidr.parse("10.0.0")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> Cidr.parse("1::2::3")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> Cidr.parse("proxy.internal")).hasMessageContaining("host names are not accepted");
    }

    @Test
    void aBadTrustedProxy_failsStartUpNamingTheVariable() {
        assertThatThrownBy(() -> Config.from(Settings.of(
                        Map.of("AUTH_TRUSTED_HEADER", "Remote-User", "AUTH_TRUSTED_PROXIES", "10.0.0.1, nginx"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("AUTH_TRUSTED_PROXIES: 'nginx' is not an IP address");
        Config ok = Config.from(Settings.of(
                Map.of("AUTH_TRUSTED_HEADER", "Remote-User", "AUTH_TRUSTED_PROXIES", "10.0.0.1, fd00::/8")));
        assertThat(ok.auth().trustedProxy().orElseThrow().proxies())
                .containsExactly(Cidr.parse("10.0.0.1/32"), Cidr.parse("fd00::/8"));
    }
}
