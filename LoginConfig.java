import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.net.URI;
import java.net.URISyntaxException;
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
    /** A config file is a few lines; anything larger is the wrong file. */
    static final int MAX_CONFIG_BYTES = 64 * 1024;
    public static final URI DEFAULT_REDIRECT_URI = URI.create("http://localhost:5004/callback.html");
    public static final String DEFAULT_SCOPE = "openid ocsapi";

    /** The scopes, one by one. */
    public java.util.List<String> scopes() {
        return java.util.List.of(scope.strip().split("\\s+"));
    }

    /** The keys of [Configuration], each with the command-line option that overrides it. */
    public enum Setting {
        RESOURCE("Resource", "--resource"),
        TENANT_ID("TenantId", "--tenant-id"),
        CLIENT_ID("ClientId", "--client-id"),
        AUTHORITY("Authority", "--authority"),
        SCOPE("Scope", "--scope"),
        REDIRECT_URI("RedirectUri", "--redirect-uri");

        /** The key in config.ini (matched without regard to case, as Python's configparser does). */
        public final String key;
        public final String option;

        Setting(String key, String option) {
            this.key = key;
            this.option = option;
        }
    }

    /** The values given on the command line, which take precedence over the file; null where not given. */
    public record Overrides(String resource, String tenantId, String clientId, String authority, String scope, String redirectUri) {
        public static final Overrides NONE = new Overrides(null, null, null, null, null, null);

        String get(Setting setting) {
            return switch (setting) {
                case RESOURCE -> resource;
                case TENANT_ID -> tenantId;
                case CLIENT_ID -> clientId;
                case AUTHORITY -> authority;
                case SCOPE -> scope;
                case REDIRECT_URI -> redirectUri;
            };
        }

        /** These overrides, with {@code setting} given {@code value} as well. */
        public Overrides with(Setting setting, String value) {
            return new Overrides(
                    setting == Setting.RESOURCE ? value : resource, setting == Setting.TENANT_ID ? value : tenantId,
                    setting == Setting.CLIENT_ID ? value : clientId, setting == Setting.AUTHORITY ? value : authority,
                    setting == Setting.SCOPE ? value : scope, setting == Setting.REDIRECT_URI ? value : redirectUri);
        }
    }

    /**
     * Reads {@code file} and applies {@code overrides}. The file may only be absent when
     * {@code fileOptional} and the overrides hold everything required.
     */
    public static LoginConfig load(Path file, boolean fileOptional, Overrides overrides) throws LoginException {
        boolean commandLineIsComplete = overrides.clientId() != null && (overrides.authority() != null || overrides.resource() != null);
        Map<String, String> section = fileOptional && commandLineIsComplete && !Files.exists(file)
                ? Map.of()
                : readIni(file).getOrDefault(SECTION, Map.of());
        return fromSection(file.toString(), section, overrides);
    }

    /** The config of an already parsed [Configuration] section; {@code source} names it in error messages. */
    public static LoginConfig fromSection(String source, Map<String, String> section, Overrides overrides)
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
            if (Files.exists(file) && !Files.isRegularFile(file)) { // a FIFO would block, /dev/zero would never end
                throw new LoginException(LoginException.Exit.CONFIG_INVALID, file + " is not a regular file; a config file is a small text file");
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_CONFIG_BYTES + 1);
            }
            if (bytes.length > MAX_CONFIG_BYTES) {
                throw new LoginException(LoginException.Exit.CONFIG_INVALID, file + " is larger than " + MAX_CONFIG_BYTES / 1024
                        + " KiB; a config file is a few lines of text");
            }
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            return parseIni(file.toString(), text.lines().toList());
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
                // The line itself is not shown: --config pointed at the wrong file must not print its secrets.
                throw new LoginException(LoginException.Exit.CONFIG_INVALID, source + " line " + (i + 1)
                        + ": expected [Section] or 'key = value' inside a section; is this an INI file?");
            } else {
                String key = line.substring(0, separator).strip().toLowerCase(Locale.ROOT);
                if (current.put(key, line.substring(separator + 1).strip()) != null) {
                    throw new LoginException(LoginException.Exit.CONFIG_INVALID, source + " line " + (i + 1)
                            + ": key '" + Log.printable(key, 40) + "' appears twice in its section");
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
    private record Reader(String source, Map<String, String> section, Overrides overrides) {

        LoginConfig config() throws LoginException {
            Optional<String> authority = optional(Setting.AUTHORITY);
            Optional<String> redirectUri = optional(Setting.REDIRECT_URI);
            return new LoginConfig(
                    authority.isPresent()
                            ? url(Setting.AUTHORITY, authority.get())
                            : URI.create(Urls.stripTrailingSlash(url(Setting.RESOURCE, required(Setting.RESOURCE)).toString()) + "/identity"),
                    required(Setting.CLIENT_ID),
                    optional(Setting.TENANT_ID),
                    optional(Setting.SCOPE).orElse(DEFAULT_SCOPE),
                    redirectUri.isPresent() ? redirectUri(redirectUri.get()) : DEFAULT_REDIRECT_URI);
        }

        Optional<String> optional(Setting setting) throws LoginException {
            String override = overrides.get(setting);
            String value = override != null ? override : section.get(setting.key.toLowerCase(Locale.ROOT));
            if (value == null || value.isBlank()) {
                return Optional.empty();
            }
            if (value.regionMatches(true, 0, "PLACEHOLDER", 0, "PLACEHOLDER".length())) {
                throw error(LoginException.Exit.CONFIG_PLACEHOLDER, setting, "is still the placeholder " + value
                        + " from config.placeholder.ini; replace it with your own value");
            }
            return Optional.of(value.strip());
        }

        String required(Setting setting) throws LoginException {
            Optional<String> value = optional(setting);
            if (value.isEmpty()) {
                String hint = setting == Setting.RESOURCE ? " (the OCS address, e.g. https://uswe.datahub.connect.aveva.com;"
                        + " or set Authority to the issuer of another OpenID Connect provider)" : "";
                throw error(LoginException.Exit.CONFIG_KEY_MISSING, setting, "is missing" + hint);
            }
            return value.get();
        }

        /** The provider's address: see {@link Urls#providerUrlProblem}; and no query, since paths are appended to it. */
        URI url(Setting setting, String value) throws LoginException {
            URI uri = parse(setting, value);
            Optional<String> problem = uri.getRawQuery() != null ? Optional.of("has a query (?...)") : Urls.providerUrlProblem(uri);
            if (problem.isPresent()) {
                throw error(LoginException.Exit.CONFIG_INVALID, setting, problem.get() + " ('" + value
                        + "'; expected https://host[:port][/path])");
            }
            return uri;
        }

        /**
         * RFC 8252 §7.3: http on a loopback host, with a path. The port must be the one registered with
         * the client, or 0 for any free port where the provider allows that (§7.3 says it should).
         */
        URI redirectUri(String value) throws LoginException {
            URI uri = parse(Setting.REDIRECT_URI, value);
            if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || !Urls.isLoopback(uri.getHost())
                    || uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawFragment() != null || uri.getPort() > 65535) {
                throw error(LoginException.Exit.CONFIG_INVALID, Setting.REDIRECT_URI, "must be an http URL on a loopback"
                        + " host with a port from 0 to 65535 and a path, like " + DEFAULT_REDIRECT_URI + "; found '" + value + "'");
            }
            return uri;
        }

        URI parse(Setting setting, String value) throws LoginException {
            try {
                return new URI(value);
            } catch (URISyntaxException e) {
                throw error(LoginException.Exit.CONFIG_INVALID, setting, "is not a valid URL: '" + value + "' (" + e.getReason() + ")");
            }
        }

        LoginException error(LoginException.Exit exit, Setting setting, String problem) {
            String where = overrides.get(setting) != null ? setting.option : source + ": [" + SECTION + "] " + setting.key;
            return new LoginException(exit, where + " " + problem);
        }
    }
}
