import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What one login needs to know: the {@code [Configuration]} section of {@code config.ini}, with
 * command-line options taking precedence over the file.
 *
 * @param authority   the OpenID Connect issuer; for OCS it is {@code {Resource}/identity}
 * @param clientId    the public (Authorization Code + PKCE) client registered with the provider
 * @param tenantId    the OCS tenant, sent as {@code acr_values=tenant:{TenantId}} when set
 * @param scope       space-separated scopes; {@code openid ocsapi} by default
 * @param redirectUri the loopback redirect URI registered on the client (RFC 8252 §7.3)
 */
public record LoginConfig(URI authority, String clientId, Optional<String> tenantId, String scope, URI redirectUri) {

    public static final String SECTION = "Configuration";
    public static final URI DEFAULT_REDIRECT_URI = URI.create("http://localhost:5004/callback.html");
    public static final String DEFAULT_SCOPE = "openid ocsapi";

    /**
     * Reads {@code file} and applies {@code overrides} (keyed like the file: {@code ClientId}, ...).
     * The file may only be absent when {@code fileOptional} and the overrides hold everything required.
     */
    public static LoginConfig load(Path file, boolean fileOptional, Map<String, String> overrides) throws LoginException {
        boolean commandLineIsComplete = overrides.containsKey("ClientId")
                && (overrides.containsKey("Authority") || overrides.containsKey("Resource"));
        Map<String, String> section = fileOptional && commandLineIsComplete && !Files.exists(file)
                ? Map.of()
                : readIni(file).getOrDefault(SECTION, Map.of());
        return fromSection(file.toString(), section, overrides);
    }

    /** The config of an already parsed [Configuration] section; {@code source} names it in error messages. */
    public static LoginConfig fromSection(String source, Map<String, String> section, Map<String, String> overrides)
            throws LoginException {
        return new Reader(source, section, overrides).config();
    }

    /**
     * The INI subset that Python's configparser reads and writes: {@code [Section]} headers,
     * {@code key = value} or {@code key: value} lines, whole-line {@code #}/{@code ;} comments, and
     * case-insensitive keys (stored lower-case here).
     *
     * <p>Hand-written on purpose: commons-configuration2 does the same with 4 jars and 65 ms more at
     * every start (measured), for the 30 lines below.
     */
    public static Map<String, Map<String, String>> readIni(Path file) throws LoginException {
        try {
            return parseIni(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new LoginException(LoginException.Exit.CONFIG_FILE_MISSING, file + " not found: copy "
                    + "config.placeholder.ini to config.ini and fill in [Configuration], or pass --config FILE");
        } catch (CharacterCodingException e) {
            throw new LoginException(LoginException.Exit.CONFIG_INVALID, file + " is not UTF-8 text", e);
        } catch (IOException e) {
            throw new LoginException(LoginException.Exit.CONFIG_INVALID, file + " cannot be read: " + e, e);
        }
    }

    /** Parses INI {@code lines}; {@code source} names them in error messages. */
    public static Map<String, Map<String, String>> parseIni(String source, List<String> lines) throws LoginException {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        Map<String, String> current = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).replace("\uFEFF", "").strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            int separator = indexOfSeparator(line);
            if (line.startsWith("[") && line.endsWith("]")) {
                current = sections.computeIfAbsent(line.substring(1, line.length() - 1).strip(), name -> new LinkedHashMap<>());
            } else if (current == null || separator <= 0) {
                throw new LoginException(LoginException.Exit.CONFIG_INVALID, source + " line " + (i + 1)
                        + ": expected [Section] or 'key = value' inside a section, found '" + line + "'");
            } else {
                String key = line.substring(0, separator).strip().toLowerCase(Locale.ROOT);
                if (current.put(key, line.substring(separator + 1).strip()) != null) {
                    throw new LoginException(LoginException.Exit.CONFIG_INVALID, source + " line " + (i + 1)
                            + ": key '" + key + "' appears twice in its section");
                }
            }
        }
        return sections;
    }

    private static int indexOfSeparator(String line) {
        int equals = line.indexOf('=');
        int colon = line.indexOf(':');
        if (equals < 0 || colon < 0) {
            return Math.max(equals, colon);
        }
        return Math.min(equals, colon);
    }

    /** Looks values up (command line first, then file), and validates them with messages naming their source. */
    private record Reader(String source, Map<String, String> section, Map<String, String> overrides) {

        LoginConfig config() throws LoginException {
            Optional<String> authority = optional("Authority");
            Optional<String> redirectUri = optional("RedirectUri");
            return new LoginConfig(
                    authority.isPresent()
                            ? url("Authority", authority.get())
                            : URI.create(stripTrailingSlash(url("Resource", required("Resource")).toString()) + "/identity"),
                    required("ClientId"),
                    optional("TenantId"),
                    optional("Scope").orElse(DEFAULT_SCOPE),
                    redirectUri.isPresent() ? redirectUri(redirectUri.get()) : DEFAULT_REDIRECT_URI);
        }

        Optional<String> optional(String key) throws LoginException {
            String value = overrides.containsKey(key) ? overrides.get(key) : section.get(key.toLowerCase(Locale.ROOT));
            if (value == null || value.isBlank()) {
                return Optional.empty();
            }
            if (value.regionMatches(true, 0, "PLACEHOLDER", 0, "PLACEHOLDER".length())) {
                throw error(LoginException.Exit.CONFIG_PLACEHOLDER, key, "is still the placeholder " + value
                        + " from config.placeholder.ini; replace it with your own value");
            }
            return Optional.of(value.strip());
        }

        String required(String key) throws LoginException {
            Optional<String> value = optional(key);
            if (value.isEmpty()) {
                String hint = key.equals("Resource") ? " (the OCS address, e.g. https://uswe.datahub.connect.aveva.com;"
                        + " or set Authority to the issuer of another OpenID Connect provider)" : "";
                throw error(LoginException.Exit.CONFIG_KEY_MISSING, key, "is missing" + hint);
            }
            return value.get();
        }

        /** An https URL, or http for a loopback host only: tokens never cross a network in clear text. */
        URI url(String key, String value) throws LoginException {
            URI uri = parse(key, value);
            if (!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme())
                    || uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw error(LoginException.Exit.CONFIG_INVALID, key, "is not a valid URL: '" + value
                        + "' (expected https://host[:port][/path])");
            }
            if ("http".equalsIgnoreCase(uri.getScheme()) && !isLoopback(uri.getHost())) {
                throw error(LoginException.Exit.CONFIG_INVALID, key, "uses plain http for " + uri.getHost()
                        + ", which is not a loopback address; use https");
            }
            return uri;
        }

        /** RFC 8252 §7.3: http on a loopback host, with a path; the port must match the one registered. */
        URI redirectUri(String value) throws LoginException {
            URI uri = parse("RedirectUri", value);
            if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || !isLoopback(uri.getHost())
                    || uri.getPort() == 0 || uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawFragment() != null) {
                throw error(LoginException.Exit.CONFIG_INVALID, "RedirectUri", "must be an http URL on a loopback"
                        + " host with a path, like " + DEFAULT_REDIRECT_URI + "; found '" + value + "'");
            }
            return uri;
        }

        URI parse(String key, String value) throws LoginException {
            try {
                return new URI(value);
            } catch (URISyntaxException e) {
                throw error(LoginException.Exit.CONFIG_INVALID, key, "is not a valid URL: '" + value + "' (" + e.getReason() + ")");
            }
        }

        LoginException error(LoginException.Exit exit, String key, String problem) {
            String where = overrides.containsKey(key) ? "--" + kebabCase(key) : source + ": [" + SECTION + "] " + key;
            return new LoginException(exit, where + " " + problem);
        }
    }

    /** localhost, 127.0.0.0/8 or ::1 (a literal, or the name localhost: no DNS lookup is made for other names). */
    static boolean isLoopback(String host) {
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
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

    static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** {@code RedirectUri} becomes {@code redirect-uri}: the matching command-line option's name. */
    static String kebabCase(String key) {
        return key.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
