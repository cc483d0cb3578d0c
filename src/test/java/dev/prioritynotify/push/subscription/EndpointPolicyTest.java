package dev.prioritynotify.push.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prioritynotify.http.ApiError;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The endpoint policy on literal addresses only: nothing here asks DNS (this machine has no
 * network but loopback).
 */
class EndpointPolicyTest {
    /** What the subscriber reads in {@code detail}, or null when the endpoint is accepted. */
    private static String refusal(EndpointPolicy policy, String endpoint) {
        try {
            policy.check(endpoint);
            return null;
        } catch (ApiError e) {
            return e.detail();
        }
    }

    @Test
    void theInsecureFlagAddsHttpAndInternalAddressesButLeavesTheHostAllowListInForce() {
        EndpointPolicy lab = new EndpointPolicy(List.of("127.0.0.1", "localhost"), true);
        assertThat(refusal(lab, "http://evil.example.com/x"))
                .startsWith("endpoint: host evil.example.com is not a known push service");
        assertThat(refusal(lab, "https://push.example.org/x"))
                .startsWith("endpoint: host push.example.org is not a known push service");
        assertThat(refusal(lab, "http://127.0.0.1:8080/push/x")).isNull();
        assertThat(refusal(lab, "ftp://127.0.0.1/push/x")).isEqualTo("endpoint: must be an https:// URL");
    }

    @Test
    void aListedHostMayResolveToAPrivateAddress() {
        EndpointPolicy lan =
                new EndpointPolicy(List.of("10.1.2.3", "172.16.0.5", "192.168.1.20", "100.64.1.2", "[fd00::1]"), false);
        assertThat(refusal(lan, "https://10.1.2.3/push/x")).isNull();
        assertThat(refusal(lan, "https://172.16.0.5:8443/push/x")).isNull();
        assertThat(refusal(lan, "https://192.168.1.20/push/x")).isNull();
        assertThat(refusal(lan, "https://100.64.1.2/push/x"))
                .as("CGNAT, as tailnets use it")
                .isNull();
        assertThat(refusal(lan, "https://[fd00::1]/push/x"))
                .as("IPv6 unique local")
                .isNull();
        assertThat(refusal(lan, "http://10.1.2.3/push/x"))
                .as("still https only")
                .isEqualTo("endpoint: must be an https:// URL");
    }

    @Test
    void aPrivateAddressNobodyListedIsRefused() {
        EndpointPolicy lan = new EndpointPolicy(List.of("10.1.2.3"), false);
        assertThat(refusal(lan, "https://10.1.2.4/push/x"))
                .startsWith("endpoint: host 10.1.2.4 is not a known push service");
    }

    @Test
    void loopbackLinkLocalMetadataUnspecifiedAndMulticastStayRefusedEvenWhenListed() {
        List<String> hosts = List.of(
                "127.0.0.1",
                "169.254.169.254",
                "fe80::1",
                "0.0.0.0",
                "224.0.0.1",
                "::1",
                "::",
                "::ffff:127.0.0.1",
                "::ffff:169.254.169.254",
                "ff02::1");
        EndpointPolicy listed = new EndpointPolicy(hosts, false);
        for (String host : hosts) {
            String literal = host.contains(":") ? "[" + host + "]" : host;
            assertThat(refusal(listed, "https://" + literal + "/push/x"))
                    .as(host)
                    .isEqualTo("endpoint: host " + host + " resolves to an internal address");
        }
    }

    @Test
    void withTheInsecureFlagLoopbackIsAcceptedForAListedHost() {
        EndpointPolicy lab = new EndpointPolicy(List.of("::1", "169.254.169.254"), true);
        assertThat(refusal(lab, "http://[::1]:8080/push/x")).isNull();
        assertThat(refusal(lab, "https://169.254.169.254/push/x")).isNull();
    }

    /** Names resolved from a table, as a LAN's DNS would answer them. */
    private static InetAddress[] lanDns(String host) {
        Map<String, byte[]> table = Map.of(
                "push.lan",
                new byte[] {(byte) 192, (byte) 168, 1, 20},
                "fcm.googleapis.com",
                new byte[] {10, 0, 0, 1},
                "metadata.lan",
                new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254});
        try {
            return table.containsKey(host)
                    ? new InetAddress[] {InetAddress.getByAddress(host, table.get(host))}
                    : new InetAddress[0];
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aListedNameOnTheLanIsAcceptedButAKnownPushServiceResolvingPrivatelyIsNot() {
        EndpointPolicy policy = new EndpointPolicy(
                List.of("push.lan", "fcm.googleapis.com", "metadata.lan"), false, EndpointPolicyTest::lanDns);
        assertThat(refusal(policy, "https://push.lan/wpush/v2/x")).isNull();
        assertThat(refusal(policy, "https://fcm.googleapis.com/fcm/send/x"))
                .isEqualTo("endpoint: host fcm.googleapis.com resolves to an internal address");
        assertThat(refusal(policy, "https://metadata.lan/x"))
                .isEqualTo("endpoint: host metadata.lan resolves to an internal address");
    }
}
