package dev.prioritynotify.push.subscription;

import dev.prioritynotify.http.ApiError;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Which push endpoints the server will send to. The sender makes requests to whatever URL a
 * client registered, so without this a subscription is a way to make the server call internal
 * addresses (SSRF). Accepted: {@code https://} on the known push services or on hosts the
 * operator allowed ({@code PUSH_ALLOWED_HOSTS}), never resolving to a loopback, link-local,
 * metadata, unspecified or multicast address. A host the operator listed may resolve to a
 * private one (RFC 1918, CGNAT 100.64/10, IPv6 unique local): their own autopush or UnifiedPush
 * distributor on the LAN or a tailnet; the known public push services never do.
 * {@code PUSH_ALLOW_INSECURE_ENDPOINTS} (tests, labs) adds {@code http://} and every internal
 * address, but the host still has to be a known or allowed one.
 *
 * <p>The same policy is applied again before each push ({@link #refusal}): a device stored under
 * another policy (the insecure flag since turned off, a host since taken off the list), or whose
 * name now resolves elsewhere, is not sent to.
 */
public final class EndpointPolicy {
    public static final int MAX_LENGTH = 2048;
    /** The push services of Chrome/Edge (FCM), Firefox (autopush), Safari (APNs web push) and Windows (WNS). */
    static final List<String> KNOWN_PUSH_HOSTS = List.of(
            "fcm.googleapis.com", ".googleapis.com",
            "updates.push.services.mozilla.com", ".push.services.mozilla.com",
            ".push.apple.com", ".notify.windows.com");

    private final List<String> allowedHosts;
    private final boolean allowInsecure;
    private final Function<String, InetAddress[]> resolver;

    public EndpointPolicy(List<String> allowedHosts, boolean allowInsecure) {
        this(allowedHosts, allowInsecure, EndpointPolicy::resolve);
    }

    /** With the given name resolution (tests give names addresses without asking DNS). */
    EndpointPolicy(List<String> allowedHosts, boolean allowInsecure, Function<String, InetAddress[]> resolver) {
        // An IPv6 literal may be listed as the URL writes it, in brackets.
        this.allowedHosts =
                allowedHosts.stream().map(EndpointPolicy::unbracketed).toList();
        this.allowInsecure = allowInsecure;
        this.resolver = resolver;
    }

    /** @throws ApiError 422 naming {@code endpoint} */
    public URI check(String endpoint) {
        if (endpoint.length() > MAX_LENGTH) {
            throw ApiError.invalid("endpoint", "must be at most " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(endpoint);
        } catch (URISyntaxException e) {
            throw ApiError.invalid("endpoint", "is not a valid URL");
        }
        refusal(uri).ifPresent(problem -> {
            throw ApiError.invalid("endpoint", problem);
        });
        return uri;
    }

    /**
     * Why this policy, as it is now, does not admit the endpoint; empty when it does. Applied at
     * subscribe time and again before each push, against what the name resolves to then (DNS may
     * have changed).
     */
    public Optional<String> refusal(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || (allowInsecure && scheme.equals("http")))) {
            return Optional.of("must be an https:// URL");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("must not contain credentials");
        }
        String host = unbracketed(uri.getHost().toLowerCase(Locale.ROOT));
        boolean known = matches(host, KNOWN_PUSH_HOSTS);
        if (!known && !matches(host, allowedHosts)) {
            return Optional.of(
                    "host " + host + " is not a known push service (the operator can add it to PUSH_ALLOWED_HOSTS)");
        }
        if (allowInsecure) {
            return Optional.empty();
        }
        for (InetAddress address : resolver.apply(host)) {
            // The operator vouched for a host they listed; nobody did for where a public service's name leads.
            boolean privateAllowed = !known && isPrivate(address);
            if (isInternal(address) && !privateAllowed) {
                return Optional.of("host " + host + " resolves to an internal address");
            }
        }
        return Optional.empty();
    }

    private static String unbracketed(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** Exact names, or {@code .suffix} / {@code *.suffix} for every subdomain. */
    static boolean matches(String host, List<String> patterns) {
        for (String p : patterns) {
            String pattern = p.startsWith("*.") ? p.substring(1) : p;
            if (pattern.startsWith(".") ? host.endsWith(pattern) : host.equals(pattern)) {
                return true;
            }
        }
        return false;
    }

    /**
     * An address that cannot resolve now is let through: the sender checks again before
     * connecting, and refusing would lock out subscribers during a DNS hiccup.
     */
    private static InetAddress[] resolve(String host) {
        try {
            return InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return new InetAddress[0];
        }
    }

    static boolean isInternal(InetAddress a) {
        byte[] b = a.getAddress();
        boolean mappedV4 = b.length == 16 && isV4Mapped(b, EndpointPolicy::isInternal);
        return a.isLoopbackAddress()
                || a.isSiteLocalAddress()
                || a.isLinkLocalAddress()
                || a.isAnyLocalAddress()
                || a.isMulticastAddress()
                || isPrivate(a)
                || mappedV4
                || (b.length == 4 && (b[0] & 0xff) == 0); // 0.0.0.0/8
    }

    /**
     * Addresses of a private network, which an operator may allow for a host they listed:
     * RFC 1918, CGNAT (RFC 6598, also what tailnets such as Tailscale hand out) and IPv6 unique
     * local (RFC 4193). Loopback, link-local (cloud metadata lives there) and the rest never are.
     */
    static boolean isPrivate(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 16) {
            return (b[0] & 0xfe) == 0xfc || isV4Mapped(b, EndpointPolicy::isPrivate); // fc00::/7
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        return first == 10 // 10.0.0.0/8
                || (first == 172 && (second & 0xf0) == 16) // 172.16.0.0/12
                || (first == 192 && second == 168) // 192.168.0.0/16
                || (first == 100 && (second & 0xc0) == 64); // 100.64.0.0/10
    }

    /** An IPv4 address written as IPv6 ({@code ::ffff:a.b.c.d}) is judged as the IPv4 address it is. */
    private static boolean isV4Mapped(byte[] b, Predicate<InetAddress> test) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        if ((b[10] & 0xff) != 0xff || (b[11] & 0xff) != 0xff) {
            return false;
        }
        try {
            return test.test(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
        } catch (UnknownHostException e) {
            return true;
        }
    }
}
