package system;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * The one rule for every URL that tokens, codes or secrets travel to: {@code https}, or plain
 * {@code http} on a loopback host only; always a host; never a fragment (RFC 6749 §3.1, §3.2,
 * RFC 8252 §8.3). The config applies it to the configured Authority, the login to every address the
 * provider gives (discovery endpoints, the device flow's verification URI).
 */
public final class Urls {

    private Urls() {
    }

    /** Why {@code url} must not be used to talk to the identity provider; empty when it may. */
    public static Optional<String> providerUrlProblem(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return Optional.of("is not an https URL");
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            return Optional.of("has no host");
        }
        if (url.getPort() > 65535) {
            return Optional.of("has a port over 65535");
        }
        if (url.getRawFragment() != null) {
            return Optional.of("has a fragment (#...), which an endpoint must not have");
        }
        if (scheme.equals("http") && !isLoopback(url.getHost())) {
            return Optional.of("uses plain http for " + url.getHost() + ", which is not a loopback address; use https");
        }
        return Optional.empty();
    }

    /** The port {@code url} connects to: its own, or its scheme's. */
    public static int port(URI url) {
        return url.getPort() != -1 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    }

    /** localhost, 127.0.0.0/8 or ::1 (a literal, or the name localhost: no DNS lookup is made for other names). */
    public static boolean isLoopback(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!bare.contains(":") && !bare.matches("[0-9.]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(bare).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * {@code url} with its scheme and host in lower case, which they are case-insensitive (RFC 3986
     * §6.2.2.1), so that an exact comparison with the issuer a provider names is fair; the path stays.
     */
    public static URI normalized(URI url) {
        if (url.getScheme() == null || url.getHost() == null) {
            return url;
        }
        String scheme = url.getScheme().toLowerCase(java.util.Locale.ROOT);
        String host = url.getHost().toLowerCase(java.util.Locale.ROOT);
        String rest = url.toString().substring(url.getScheme().length() + 3 + (url.getRawUserInfo() == null ? 0 : url.getRawUserInfo().length() + 1)
                + url.getHost().length());
        return URI.create(scheme + "://" + (url.getRawUserInfo() == null ? "" : url.getRawUserInfo() + "@") + host + rest);
    }

    /** Discovery §4.1: the issuer's well-known document; a terminating "/" of the issuer is removed before appending. */
    public static URI discoveryUrl(URI issuer) {
        return URI.create(stripTrailingSlash(issuer.toString()) + "/.well-known/openid-configuration");
    }

    public static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
