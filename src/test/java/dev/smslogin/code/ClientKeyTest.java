package dev.smslogin.code;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClientKeyTest {

    @Test
    @DisplayName("an IPv6 client is counted by its /64: rotating through the addresses of one /64 is one client")
    void ipv6ClientsAreTheirSlash64() {
        String key = ClientKey.of("2001:db8:1:2:aaaa:bbbb:cccc:1");
        assertThat(key).isEqualTo("2001:db8:1:2::/64");
        assertThat(ClientKey.of("2001:db8:1:2::ffff")).isEqualTo(key);
        assertThat(ClientKey.of("[2001:0db8:0001:0002:0000:0000:0000:0009]")).as("bracketed, zeros written out").isEqualTo(key);
        assertThat(ClientKey.of("fe80::1%eth0")).isEqualTo("fe80:0:0:0::/64");
        assertThat(ClientKey.of("2001:db8:1:3::1")).as("the next /64 is another client").isNotEqualTo(key);
    }

    @Test
    @DisplayName("an IPv4 client is its address, also when written as an IPv4-mapped IPv6 address")
    void ipv4ClientsAreTheirAddress() {
        assertThat(ClientKey.of("203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(ClientKey.of("::ffff:203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(ClientKey.of("203.0.113.8")).isNotEqualTo(ClientKey.of("203.0.113.7"));
    }

    @Test
    void noAddressIsOneClient() {
        assertThat(ClientKey.of(null)).isEqualTo(ClientKey.of(" ")).isEqualTo("unknown");
    }
}
