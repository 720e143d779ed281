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
public record LoginConfig(URI authority, String clientId, Optional<String> tenantId, String scope, URI redirectUri,
        Optional<Path> caFile, String scopeSource) {

    public static final String SECTION = "Configuration";
    /** A config file is a few lines; anything larger is the wrong file. */
    static final int MAX_CONFIG_BYTES = 64 * 1024;
    public static final URI DEFAULT_REDIRECT_URI = URI.create("http://localhost:5004/callback.html");
    /** The scope for OCS (Resource without Authority); any other OpenID Connect provider gets {@code openid}. */
    public static final String DEFAULT_SCOPE = "openid ocsapi";
    public static final String DEFAULT_OIDC_SCOPE = "openid";

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
        REDIRECT_URI("RedirectUri", "--redirect-uri"),
        CA_FILE("CaFile", "--ca-file");

        /** The key in config.ini (matched without regard to case, as Python's configparser does). */
        public final String key;
        public final String option;

        Setting(String key, String option) {
            this.key = key;
            this.option = option;
        }

        /** The environment variable that sets it, between config.ini and the command line: OCS_LOGIN_CLIENT_ID... */
        public String variable() {
            return "OCS_LOGIN_" + name();
        }
    }

    /** The values given on the command line, which take precedence over the file; null where not given. */
    public record Overrides(String resource, String tenantId, String clientId, String authority, String scope, String redirectUri,
            String caFile) {
        public static final Overrides NONE = new Overrides(null, null, null, null, null, null, null);

        String get(Setting setting) {
            return switch (setting) {
                case RESOURCE -> resource;
                case TENANT_ID -> tenantId;
                case CLIENT_ID -> clientId;
                case AUTHORITY -> authority;
                case SCOPE -> scope;
                case REDIRECT_URI -> redirectUri;
                case CA_FILE -> caFile;
            };
        }

        /** These overrides, with {@code setting} given {@code value} as well. */
        public Overrides with(Setting setting, String value) {
            return new Overrides(
                    setting == Setting.RESOURCE ? value : resource, setting == Setting.TENANT_ID ? value : tenantId,
                    setting == Setting.CLIENT_ID ? value : clientId, setting == Setting.AUTHORITY ? value : authority,
                    setting == Setting.SCOPE ? value : scope, setting == Setting.REDIRECT_URI ? value : redirectUri,
                    setting == Setting.CA_FILE ? value : caFile);
        }
    }

    /**
     * The config of a run: {@code --config FILE} when given; otherwise {@code ./config.ini}, else the
     * user's {@code ${XDG_CONFIG_HOME:-~/.config}/ocs-pkce-login/config.ini} ({@code %APPDATA%} on
     * Windows), the first that exists. The environment's {@code OCS_LOGIN_*} variables override the
     * file, and the command line overrides both; with everything required given that way, no file
     * is needed at all.
     */
    public static LoginConfig find(Path configFile, Overrides overrides, Map<String, String> environment, Path workingFolder)
            throws LoginException {
        if (configFile != null) {
            return fromFile(configFile, overrides, environment);
        }
        List<Path> candidates = List.of(workingFolder.resolve("config.ini"), userConfigFile(environment));
        for (Path candidate : candidates) {
            if (Files.exists(candidate)) {
                return fromFile(candidate, overrides, environment);
            }
        }
        Reader withoutFile = new Reader("(no config file)", Map.of(), overrides, environment, null);
        if (withoutFile.optional(Setting.CLIENT_ID).isEmpty()
                || withoutFile.optional(Setting.AUTHORITY).isEmpty() && withoutFile.optional(Setting.RESOURCE).isEmpty()) {
            throw new LoginException(LoginException.Exit.CONFIG_FILE_MISSING, "No config file: looked for " + candidates.get(0)
                    + " and " + candidates.get(1) + ". Copy config.placeholder.ini to one of them and fill in [Configuration],"
                    + " pass --config FILE, or give --client-id and --resource (or --authority)");
        }
        return withoutFile.config();
    }

    /** The user's own config file: {@code ${XDG_CONFIG_HOME:-~/.config}/ocs-pkce-login/config.ini}, or under %APPDATA% on Windows. */
    static Path userConfigFile(Map<String, String> environment) {
        return new UserFolders(environment).configFolder().resolve("config.ini");
    }

    /** Reads {@code file} and applies {@code overrides}, without the environment's variables. */
    public static LoginConfig load(Path file, Overrides overrides) throws LoginException {
        return fromFile(file, overrides, Map.of());
    }

    private static LoginConfig fromFile(Path file, Overrides overrides, Map<String, String> environment) throws LoginException {
        return new Reader(file.toString(), readIni(file).getOrDefault(SECTION, Map.of()), overrides, environment,
                file.toAbsolutePath().getParent()).config();
    }

    /** The config of an already parsed [Configuration] section; {@code source} names it in error messages. */
    public static LoginConfig fromSection(String source, Map<String, String> section, Overrides overrides)
            throws LoginException {
        return new Reader(source, section, overrides, Map.of(), null).config();
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

    /**
     * Looks values up (command line first, then environment, then file), and validates them with
     * messages naming their source. {@code folder} is the file's, for relative paths in it.
     */
    private record Reader(String source, Map<String, String> section, Overrides overrides, Map<String, String> environment,
            Path folder) {

        LoginConfig config() throws LoginException {
            Optional<String> authority = optional(Setting.AUTHORITY);
            Optional<String> redirectUri = optional(Setting.REDIRECT_URI);
            Optional<String> scope = optional(Setting.SCOPE);
            return new LoginConfig(
                    authority.isPresent()
                            ? url(Setting.AUTHORITY, authority.get())
                            : URI.create(Urls.stripTrailingSlash(url(Setting.RESOURCE, required(Setting.RESOURCE)).toString()) + "/identity"),
                    required(Setting.CLIENT_ID),
                    optional(Setting.TENANT_ID),
                    scope.orElse(authority.isPresent() ? DEFAULT_OIDC_SCOPE : DEFAULT_SCOPE),
                    redirectUri.isPresent() ? redirectUri(redirectUri.get()) : DEFAULT_REDIRECT_URI,
                    caFile(),
                    scope.isPresent() ? where(Setting.SCOPE)
                            : authority.isPresent() ? "the default for an OpenID Connect provider" : "the default for OCS");
        }

        /** Where {@code setting}'s value comes from: its option, its environment variable, or the file's key. */
        String where(Setting setting) {
            if (overrides.get(setting) != null) {
                return setting.option;
            }
            if (fromEnvironment(setting) != null) {
                return "the environment variable " + setting.variable();
            }
            return source + ": [" + SECTION + "] " + setting.key;
        }

        /** The environment's value of {@code setting}; null when unset or blank. */
        private String fromEnvironment(Setting setting) {
            String value = environment.get(setting.variable());
            return value == null || value.isBlank() ? null : value;
        }

        Optional<String> optional(Setting setting) throws LoginException {
            String value = overrides.get(setting) != null ? overrides.get(setting)
                    : fromEnvironment(setting) != null ? fromEnvironment(setting)
                    : section.get(setting.key.toLowerCase(Locale.ROOT));
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

        /** A PEM file of CA certificates to trust besides Java's; relative to the config file when it is in one. */
        Optional<Path> caFile() throws LoginException {
            Optional<String> value = optional(Setting.CA_FILE);
            if (value.isEmpty()) {
                return Optional.empty();
            }
            Path file = Path.of(value.get());
            if (!file.isAbsolute() && folder != null && where(Setting.CA_FILE).startsWith(source)) {
                file = folder.resolve(file);
            }
            if (!Files.isRegularFile(file)) {
                throw error(LoginException.Exit.CONFIG_INVALID, Setting.CA_FILE, "names " + file + ", which is not a file");
            }
            return Optional.of(file);
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
            return new LoginException(exit, where(setting) + " " + problem);
        }
    }
}
