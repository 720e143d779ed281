package api;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import system.Log;
import system.Urls;

/**
 * A request of {@code ocs-login api PATH}, as the user asked for it: the method ({@code -X}), the
 * path, where its body comes from ({@code --input FILE} or {@code -}), more headers ({@code -H}), and
 * whether the answer's head is printed ({@code -i}). Where it goes is {@link #url}: under the API's
 * base, on its origin only, because the access token goes with it.
 */
public record ApiRequest(String method, String path, Optional<String> input, List<String> headers, boolean include) {

    /** What a path may hold in braces, and the setting that fills it in. */
    public static final Map<String, String> PLACEHOLDERS = Map.of("tenant", "TenantId", "client_id", "ClientId");
    /** Headers the tool sets itself: the token's, and the transport's. */
    private static final List<String> OWN_HEADERS = List.of("authorization", "host", "content-length", "transfer-encoding", "connection");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+"); // RFC 9110 §5.6.2
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}/]*)}");

    /** The method and the headers, checked before anything is sent. */
    public void check() throws ApiFailure {
        if (!TOKEN.matcher(method).matches()) {
            throw new ApiFailure(ApiFailure.Kind.USAGE, "-X " + Log.printable(method, 40) + " is not an HTTP method");
        }
        for (String header : headers) {
            int colon = header.indexOf(':');
            String name = colon < 0 ? "" : header.substring(0, colon).strip();
            if (colon < 0 || !TOKEN.matcher(name).matches() || header.chars().anyMatch(c -> c == '\r' || c == '\n')) {
                throw new ApiFailure(ApiFailure.Kind.USAGE, "-H takes one header as 'Name: value', not '" + Log.printable(header, 60) + "'");
            }
            if (OWN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw new ApiFailure(ApiFailure.Kind.USAGE, "-H " + Log.printable(name, 40) + " is set by the tool itself (the token, or"
                        + " the transport); leave it out");
            }
        }
    }

    /** The headers as name and value. */
    public List<Map.Entry<String, String>> headerEntries() {
        return headers.stream().map(header -> Map.entry(header.substring(0, header.indexOf(':')).strip(),
                header.substring(header.indexOf(':') + 1).strip())).toList();
    }

    /**
     * Where the request goes: {@code path} with its placeholders filled from {@code values} (by the
     * names of {@link #PLACEHOLDERS}), under {@code base} when it is relative, on the origin of
     * {@code base} when it starts with {@code /}; an absolute URL only on that origin. The access token
     * goes to that origin and no other.
     */
    public URI url(Optional<URI> base, Map<String, String> values) throws ApiFailure {
        URI api = base.orElseThrow(() -> new ApiFailure(ApiFailure.Kind.NO_BASE, "api needs ApiBase, the address of the API to"
                + " call (for OCS it is {Resource}/api/v1): set it in config.ini, --api-base or OCS_LOGIN_API_BASE"));
        String filled = fill(path, values);
        URI target;
        try {
            if (filled.startsWith("/") && !filled.startsWith("//")) {
                target = new URI(origin(api) + filled);
            } else if (filled.matches("(?i)[a-z][a-z0-9+.-]*:.*") || filled.startsWith("//")) {
                target = new URI(filled);
            } else {
                target = new URI(Urls.stripTrailingSlash(api.toString()) + "/" + filled);
            }
        } catch (URISyntaxException e) {
            throw new ApiFailure(ApiFailure.Kind.USAGE, "api's PATH '" + Log.printable(path, 120) + "' is not a path or URL: "
                    + Log.printable(e.getReason(), 80));
        }
        if (target.getScheme() == null || target.getHost() == null || !origin(target).equalsIgnoreCase(origin(api))) {
            throw new ApiFailure(ApiFailure.Kind.USAGE, "api sends the access token to " + origin(api) + " (ApiBase's origin) only, and '"
                    + Log.printable(filled, 120) + "' is elsewhere; give a path under " + api);
        }
        return target;
    }

    /** {@code path} with each {@code {name}} replaced by its value, encoded as one path segment. */
    private static String fill(String path, Map<String, String> values) throws ApiFailure {
        Matcher matcher = PLACEHOLDER.matcher(path);
        StringBuilder filled = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            if (!PLACEHOLDERS.containsKey(name)) {
                throw new ApiFailure(ApiFailure.Kind.USAGE, "api's PATH has {" + Log.printable(name, 40) + "}, which is not one of "
                        + String.join(", ", PLACEHOLDERS.keySet().stream().sorted().map(known -> "{" + known + "}").toList()));
            }
            String value = values.get(name);
            if (value == null || value.isBlank()) {
                throw new ApiFailure(ApiFailure.Kind.USAGE, "api's PATH has {" + name + "}, and " + PLACEHOLDERS.get(name) + " is not set");
            }
            matcher.appendReplacement(filled, Matcher.quoteReplacement(URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20")));
        }
        matcher.appendTail(filled);
        return filled.toString();
    }

    private static String origin(URI uri) {
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return (uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT)) + "://"
                + (uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT)) + ":" + port;
    }
}
