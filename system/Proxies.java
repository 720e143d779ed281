package system;

import java.io.IOException;
import java.math.BigInteger;
import java.net.Authenticator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The proxies of the environment, as curl, Go and most command-line tools read them:
 * {@code HTTPS_PROXY} for https URLs, {@code HTTP_PROXY} for http ones (each also in lower case),
 * {@code http://[user:password@]host[:port]}; and {@code NO_PROXY}, a comma-separated list of hosts
 * that are reached directly: {@code *}, a domain (which covers its subdomains, with or without a
 * leading dot), {@code host:port}, an IP address, or a CIDR block. Loopback addresses are always
 * reached directly, as Go and Java do by default.
 */
final class Proxies extends ProxySelector {

    /** One proxy: where it is, which variable named it, and its credentials if any. */
    record Route(InetSocketAddress address, String variable, Optional<PasswordAuthentication> credentials) {
        String describe() {
            return "the proxy " + address.getHostString() + ":" + address.getPort() + " (" + variable + ")";
        }
    }

    private final Optional<Route> https;
    private final Optional<Route> http;
    private final List<String> noProxy;

    private Proxies(Optional<Route> https, Optional<Route> http, List<String> noProxy) {
        this.https = https;
        this.http = http;
        this.noProxy = noProxy;
    }

    /** The proxies of this process's environment. */
    static Proxies fromEnvironment() throws HttpFailure {
        return from(System.getenv());
    }

    static Proxies from(Map<String, String> environment) throws HttpFailure {
        List<String> noProxy = new ArrayList<>();
        variable(environment, "NO_PROXY").ifPresent(list -> {
            for (String entry : list.getValue().split("[,\\s]+")) {
                if (!entry.isBlank()) {
                    noProxy.add(entry.strip().toLowerCase(Locale.ROOT));
                }
            }
        });
        return new Proxies(route(environment, "HTTPS_PROXY"), route(environment, "HTTP_PROXY"), noProxy);
    }

    /** Whether any proxy is set at all. */
    boolean any() {
        return https.isPresent() || http.isPresent();
    }

    /** The proxy for {@code url}, or empty when it is reached directly. */
    Optional<Route> routeFor(URI url) {
        String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
        if (Urls.isLoopback(host) || bypassed(host, Urls.port(url))) {
            return Optional.empty();
        }
        return "https".equalsIgnoreCase(url.getScheme()) ? https : http;
    }

    @Override
    public List<Proxy> select(URI url) {
        return routeFor(url).map(route -> List.of(new Proxy(Proxy.Type.HTTP, route.address()))).orElse(List.of(Proxy.NO_PROXY));
    }

    @Override
    public void connectFailed(URI url, SocketAddress address, IOException failure) {
        // the HTTP client reports the failure itself; there is no other proxy to try
    }

    /** Gives the credentials of a proxy URL to that proxy, and to nothing else. */
    Authenticator authenticator() {
        return new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                if (getRequestorType() != RequestorType.PROXY) {
                    return null;
                }
                for (Optional<Route> route : List.of(https, http)) {
                    if (route.isPresent() && route.get().credentials().isPresent()
                            && route.get().address().getHostString().equalsIgnoreCase(getRequestingHost())
                            && route.get().address().getPort() == getRequestingPort()) {
                        return route.get().credentials().get();
                    }
                }
                return null;
            }
        };
    }

    private boolean bypassed(String host, int port) {
        for (String entry : noProxy) {
            if (entry.equals("*")) {
                return true;
            }
            String name = entry;
            int entryPort = -1;
            int colon = entry.lastIndexOf(':');
            if (colon > 0 && entry.indexOf(':') == colon && entry.substring(colon + 1).matches("[0-9]{1,5}")) {
                name = entry.substring(0, colon);
                entryPort = Integer.parseInt(entry.substring(colon + 1));
            }
            if (entryPort != -1 && entryPort != port) {
                continue;
            }
            if (name.contains("/") ? inBlock(host, name) : matchesName(host, name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesName(String host, String name) {
        String domain = name.startsWith(".") ? name.substring(1) : name;
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        String bareDomain = domain.startsWith("[") && domain.endsWith("]") ? domain.substring(1, domain.length() - 1) : domain;
        return bare.equals(bareDomain) || bare.endsWith("." + bareDomain);
    }

    /** Whether an IP address {@code host} is in the CIDR block {@code block} (e.g. 10.0.0.0/8); a name is in none. */
    private static boolean inBlock(String host, String block) {
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (!bare.matches("[0-9.]+|[0-9a-f:.]*:[0-9a-f:.]*")) {
            return false; // no DNS lookup for a name
        }
        try {
            String[] parts = block.split("/");
            byte[] address = InetAddress.getByName(bare).getAddress();
            byte[] network = InetAddress.getByName(parts[0]).getAddress();
            int bits = Integer.parseInt(parts[1]);
            if (address.length != network.length || bits < 0 || bits > address.length * 8) {
                return false;
            }
            BigInteger mask = BigInteger.ONE.shiftLeft(address.length * 8).subtract(BigInteger.ONE)
                    .shiftRight(bits).not();
            return new BigInteger(1, address).and(mask).equals(new BigInteger(1, network).and(mask));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The variable (upper case first, then lower case) with its value, when set and not empty. */
    private static Optional<Map.Entry<String, String>> variable(Map<String, String> environment, String name) {
        for (String variant : List.of(name, name.toLowerCase(Locale.ROOT))) {
            String value = environment.get(variant);
            if (value != null && !value.isBlank()) {
                return Optional.of(Map.entry(variant, value.strip()));
            }
        }
        return Optional.empty();
    }

    private static Optional<Route> route(Map<String, String> environment, String name) throws HttpFailure {
        Optional<Map.Entry<String, String>> setting = variable(environment, name);
        if (setting.isEmpty()) {
            return Optional.empty();
        }
        String variable = setting.get().getKey();
        String value = setting.get().getValue();
        URI url;
        try {
            url = new URI(value.contains("://") ? value : "http://" + value);
        } catch (URISyntaxException e) {
            throw invalid(variable, "is not a proxy URL (expected http://[user:password@]host[:port])");
        }
        if (!"http".equalsIgnoreCase(url.getScheme())) {
            throw invalid(variable, "names a " + Log.printable(url.getScheme(), 20) + " proxy; only http:// proxies are"
                    + " supported (they tunnel https with CONNECT)");
        }
        if (url.getHost() == null) {
            throw invalid(variable, "has no host (expected http://[user:password@]host[:port])");
        }
        if (url.getPort() > 65535) {
            throw invalid(variable, "has a port over 65535 (expected http://[user:password@]host[:port])");
        }
        Optional<PasswordAuthentication> credentials = Optional.empty();
        if (url.getRawUserInfo() != null) {
            String[] userAndPassword = url.getRawUserInfo().split(":", 2);
            credentials = Optional.of(new PasswordAuthentication(URLDecoder.decode(userAndPassword[0], StandardCharsets.UTF_8),
                    (userAndPassword.length > 1 ? URLDecoder.decode(userAndPassword[1], StandardCharsets.UTF_8) : "").toCharArray()));
            // Java refuses Basic authentication to a proxy for tunnels unless told otherwise (JDK 8u111).
            if (System.getProperty("jdk.http.auth.tunneling.disabledSchemes") == null) {
                System.setProperty("jdk.http.auth.tunneling.disabledSchemes", "");
            }
        }
        return Optional.of(new Route(InetSocketAddress.createUnresolved(url.getHost(), url.getPort() == -1 ? 80 : url.getPort()),
                variable, credentials));
    }

    /** Never the value itself: a proxy URL may hold a password. */
    private static HttpFailure invalid(String variable, String problem) {
        return new HttpFailure(HttpFailure.Kind.SETTING, "The environment variable " + variable + " " + problem);
    }
}
