package dev.prioritynotify.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * A block of IP addresses written as CIDR ({@code 10.0.0.0/8}, {@code fd00::/8}); a bare address
 * is the block of that one address ({@code /32}, {@code /128}). Only literal addresses are read:
 * a host name here would make a DNS answer decide whom the server trusts.
 */
public record Cidr(InetAddress network, int prefixLength) {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    public Cidr {
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length must be between 0 and " + bits);
        }
        // Stored as the block's first address, so 10.1.2.3/8 and 10.0.0.0/8 are one value.
        network = byAddress(mask(network.getAddress(), prefixLength));
    }

    /**
     * {@code address[/prefix]}.
     *
     * @throws IllegalArgumentException naming what is wrong with {@code text}
     */
    public static Cidr parse(String text) {
        String trimmed = text.strip();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        boolean writtenAsIpv6 = address.contains(":");
        InetAddress parsed = address(address);
        int bits = parsed.getAddress().length * 8;
        if (slash < 0) {
            return new Cidr(parsed, bits);
        }
        String prefix = trimmed.substring(slash + 1);
        if (!prefix.matches("\\d{1,3}")) {
            throw new IllegalArgumentException("'" + text + "' has no prefix length after '/'");
        }
        int length = Integer.parseInt(prefix);
        // ::ffff:10.0.0.0/104 is read by Java as the IPv4 address it maps: its prefix counts the 96 bits before.
        if (writtenAsIpv6 && parsed instanceof Inet4Address) {
            length -= 96;
        }
        if (length < 0 || length > bits) {
            throw new IllegalArgumentException(
                    "'" + text + "': prefix length must be between 0 and " + (writtenAsIpv6 ? 128 : bits));
        }
        return new Cidr(parsed, length);
    }

    /**
     * A literal IPv4 or IPv6 address (brackets allowed around IPv6), never looked up in DNS.
     *
     * @throws IllegalArgumentException when {@code text} is not one
     */
    public static InetAddress address(String text) {
        String literal = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        var ipv4 = IPV4.matcher(literal);
        if (ipv4.matches()) {
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(ipv4.group(i + 1));
                if (octet > 255) {
                    throw new IllegalArgumentException("'" + text + "' is not an IP address");
                }
                bytes[i] = (byte) octet;
            }
            return byAddress(bytes);
        }
        // Only hex digits, ':' and '.' (with a ':' in it): InetAddress reads that as an IPv6
        // literal and fails rather than asking DNS.
        if (IPV6.matcher(literal).matches()) {
            try {
                return InetAddress.getByName(literal);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + text + "' is not an IP address", e);
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not an IP address (host names are not accepted)");
    }

    /** Whether {@code address} lies in this block; an IPv4 address is never in an IPv6 block, nor the reverse. */
    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        byte[] ours = network.getAddress();
        if (candidate.length != ours.length) {
            return false;
        }
        return Arrays.equals(mask(candidate, prefixLength), ours);
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }

    private static byte[] mask(byte[] address, int prefixLength) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.clamp(prefixLength - i * 8L, 0, 8);
            out[i] = (byte) (out[i] & (0xFF << (8 - keep)));
        }
        return out;
    }

    private static InetAddress byAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address", e);
        }
    }
}
