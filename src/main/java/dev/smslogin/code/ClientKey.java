package dev.smslogin.code;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Whose requests a per-client window counts. An IPv4 address is one client; an IPv6 client usually holds a whole
 * /64 (SLAAC, privacy addresses) and can rotate through it at will, so IPv6 addresses are counted by their /64.
 */
public final class ClientKey {

    private ClientKey() {
    }

    /** {@code 203.0.113.7} as it is; {@code 2001:db8:1:2:aaaa::1} as {@code 2001:db8:1:2::/64}. */
    public static String of(String remoteAddress) {
        if (remoteAddress == null || remoteAddress.isBlank()) {
            return "unknown";
        }
        String address = remoteAddress.strip();
        if (address.indexOf(':') < 0) {
            return address;
        }
        if (address.startsWith("[") && address.endsWith("]")) {
            address = address.substring(1, address.length() - 1);
        }
        int zone = address.indexOf('%');
        if (zone >= 0) {
            address = address.substring(0, zone);
        }
        byte[] bytes;
        try {
            // a literal only: getByName never resolves a name that holds a ':'
            bytes = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException | SecurityException e) {
            return address;
        }
        if (bytes.length == 4) {
            return ipv4(bytes);     // ::ffff:203.0.113.7, an IPv4 client
        }
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
            prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
        }
        return prefix.append(":/64").toString();
    }

    private static String ipv4(byte[] bytes) {
        return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
    }
}
