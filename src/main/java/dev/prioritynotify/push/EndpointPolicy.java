package dev.prioritynotify.push;

import dev.prioritynotify.http.ApiError;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Which push endpoints the server will send to. The sender makes requests to whatever URL a
 * client registered, so without this a subscription is a way to make the server call internal
 * addresses (SSRF). Accepted: {@code https://} on the known push services or on hosts the
 * operator allowed ({@code PUSH_ALLOWED_HOSTS}), never resolving to a loopback, private,
 * link-local or metadata address — unless {@code PUSH_ALLOW_INSECURE_ENDPOINTS} (tests, labs).
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

    public EndpointPolicy(List<String> allowedHosts, boolean allowInsecure) {
        this.allowedHosts = List.copyOf(allowedHosts);
        this.allowInsecure = allowInsecure;
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
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || allowInsecure && scheme.equals("http"))) {
            throw ApiError.invalid("endpoint", "must be an https:// URL");
        }
        if (uri.getRawUserInfo() != null) {
            throw ApiError.invalid("endpoint", "must not contain credentials");
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (allowInsecure) {
            return uri;
        }
        if (!matches(host, KNOWN_PUSH_HOSTS) && !matches(host, allowedHosts)) {
            throw ApiError.invalid("endpoint", "host " + host + " is not a known push service (the operator can add it to PUSH_ALLOWED_HOSTS)");
        }
        for (InetAddress address : resolve(host)) {
            if (isInternal(address)) {
                throw ApiError.invalid("endpoint", "host " + host + " resolves to an internal address");
            }
        }
        return uri;
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
        boolean cgnat = b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;          // 100.64.0.0/10
        boolean uniqueLocalV6 = b.length == 16 && (b[0] & 0xfe) == 0xfc;                       // fc00::/7
        boolean mappedV4 = b.length == 16 && isV4Mapped(b);
        return a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress() || cgnat || uniqueLocalV6 || mappedV4
                || b.length == 4 && (b[0] & 0xff) == 0;                                          // 0.0.0.0/8
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        if ((b[10] & 0xff) != 0xff || (b[11] & 0xff) != 0xff) {
            return false;
        }
        try {
            return isInternal(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
        } catch (UnknownHostException e) {
            return true;
        }
    }

    /** The same test at send time, against what the name resolves to then (DNS may have changed). */
    public boolean resolvesToInternal(URI endpoint) {
        if (allowInsecure) {
            return false;
        }
        for (InetAddress address : resolve(endpoint.getHost())) {
            if (isInternal(address)) {
                return true;
            }
        }
        return false;
    }
}
