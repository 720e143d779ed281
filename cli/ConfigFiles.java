package cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import login.LoginConfig;
import login.LoginException;
import system.IniFile;
import system.Log;
import system.PrivateFolder;
import system.UserFolders;
import system.Urls;

/**
 * The config of a run: the {@code [Configuration]} section of {@code config.ini}, the
 * {@code OCS_LOGIN_*} environment variables and the command line (in rising precedence), each value
 * checked as its {@link Setting} says, and every mistake named with where it was made; the login
 * gets the result, a {@link LoginConfig}.
 */
final class ConfigFiles {

    static final String SECTION = "Configuration";
    /** An OCS tenant ID: a GUID. */
    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private ConfigFiles() {
    }

    /**
     * The config of a run: {@code --config FILE} when given; otherwise {@code ./config.ini}, else the
     * user's {@code ${XDG_CONFIG_HOME:-$HOME/.config}/ocs-pkce-login/config.ini} ({@code %APPDATA%} on
     * Windows), the first that exists. With everything required given by the environment or the
     * command line, no file is needed at all.
     */
    static LoginConfig find(Path configFile, Overrides overrides, Map<String, String> environment, Path workingFolder)
            throws LoginException {
        return find(configFile, overrides, environment, workingFolder, Optional.empty());
    }

    /**
     * As {@link #find(Path, Overrides, Map, Path)}, from the section of {@code profile} ({@code --profile};
     * else {@code OCS_LOGIN_PROFILE}; else [Configuration]).
     */
    static LoginConfig find(Path configFile, Overrides overrides, Map<String, String> environment, Path workingFolder,
            Optional<String> profile) throws LoginException {
        Optional<String> chosen = profile.or(() -> Optional.ofNullable(environment.get(PROFILE_VARIABLE)).filter(name -> !name.isBlank()));
        Optional<Path> file = file(configFile, environment, workingFolder);
        if (file.isPresent()) {
            return new Reader(file.get().toString(), read(file.get()), file.get().toAbsolutePath().getParent(), overrides, environment,
                    chosen).config();
        }
        List<Path> candidates = List.of(workingFolder.resolve("config.ini"), userConfigFile(environment));
        if (chosen.isPresent()) {
            throw new LoginException(LoginException.Exit.CONFIG_FILE_MISSING, "The profile " + Log.printable(chosen.get(), 60) + " is a"
                    + " section [profile " + Log.printable(chosen.get(), 60) + "] of config.ini, and there is none: looked for "
                    + candidates.get(0) + " and " + candidates.get(1));
        }
        Reader withoutFile = new Reader("the command line and the environment (no config file)", null, null, overrides, environment,
                Optional.empty());
        if (withoutFile.value(Setting.CLIENT_ID).isEmpty()
                || withoutFile.value(Setting.AUTHORITY).isEmpty() && withoutFile.value(Setting.RESOURCE).isEmpty()) {
            throw new LoginException(LoginException.Exit.CONFIG_FILE_MISSING, "No config file: looked for " + candidates.get(0)
                    + " and " + candidates.get(1) + ". Copy config.placeholder.ini to one of them and fill in [Configuration],"
                    + " pass --config FILE, or give --client-id and --resource (or --authority)");
        }
        return withoutFile.config();
    }

    /**
     * A config file that was found (not named by --config) decides which provider gets the sign-in
     * and what the authorization request says: it is used only when another user could not have
     * written it, or replace it ({@link PrivateFolder#checkTrusted}).
     */
    private static void checkTrusted(Path file) throws LoginException {
        try {
            PrivateFolder.checkTrusted(file);
        } catch (PrivateFolder.Unsafe e) {
            throw new LoginException(LoginException.Exit.CACHE_FAILED, "Not using " + file + ": " + e.getMessage()
                    + "; another user could make it send your sign-in elsewhere. Use a config file of your own (--config FILE,"
                    + " or " + userConfigFileHint() + ")");
        } catch (java.io.IOException e) {
            throw new LoginException(LoginException.Exit.CONFIG_INVALID, file + " cannot be checked: " + e, e);
        }
    }

    private static String userConfigFileHint() {
        return "~/.config/" + UserFolders.NAME + "/config.ini";
    }

    /** The user's own config file: {@code ${XDG_CONFIG_HOME:-$HOME/.config}/ocs-pkce-login/config.ini}, or under %APPDATA% on Windows. */
    static Path userConfigFile(Map<String, String> environment) {
        return new UserFolders(environment).configFolder().resolve("config.ini");
    }

    /** The config file of a run: {@code --config FILE}, else the first found (and trusted) of ./config.ini and the user's. */
    static Optional<Path> file(Path configFile, Map<String, String> environment, Path workingFolder) throws LoginException {
        if (configFile != null) {
            return Optional.of(configFile);
        }
        for (Path candidate : List.of(workingFolder.resolve("config.ini"), userConfigFile(environment))) {
            if (Files.exists(candidate)) {
                checkTrusted(candidate);
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The config of an already read file (the demo's built-in one); {@code source} names it in messages. */
    static LoginConfig fromIni(String source, IniFile file, Overrides overrides) throws LoginException {
        return new Reader(source, file, null, overrides, Map.of(), Optional.empty()).config();
    }

    /** The variable that picks a profile when --profile does not. */
    static final String PROFILE_VARIABLE = "OCS_LOGIN_PROFILE";
    /** A profile is the section [profile NAME]. */
    private static final String PROFILE_PREFIX = "profile ";

    /** The names of the profiles in {@code file}, in their order. */
    static List<String> profiles(IniFile file) {
        List<String> names = new ArrayList<>();
        for (IniFile.Section section : file.sections().values()) {
            if (section.name().toLowerCase(Locale.ROOT).startsWith(PROFILE_PREFIX)) {
                names.add(section.name().substring(PROFILE_PREFIX.length()).strip());
            }
        }
        return names;
    }

    /** Every profile of {@code file} whose config can be made, by name: for --status. */
    static Map<String, LoginConfig> profileConfigs(Path file) {
        Map<String, LoginConfig> configs = new LinkedHashMap<>();
        try {
            IniFile ini = read(file);
            for (String name : profiles(ini)) {
                try {
                    configs.put(name, new Reader(file.toString(), ini, file.toAbsolutePath().getParent(), Overrides.NONE, Map.of(),
                            Optional.of(name)).config());
                } catch (LoginException notComplete) {
                    // a profile with a mistake is said when it is used
                }
            }
        } catch (LoginException unreadable) {
            // no profiles to show
        }
        return configs;
    }

    /** {@code file}, read as INI: a missing file and one that is no small INI text file are said as config mistakes. */
    static IniFile read(Path file) throws LoginException {
        try {
            return IniFile.read(file);
        } catch (IniFile.Unreadable e) {
            throw e.missing() ? new LoginException(LoginException.Exit.CONFIG_FILE_MISSING, e.getMessage() + ": copy"
                    + " config.placeholder.ini to config.ini and fill in [Configuration], or pass --config FILE", e)
                    : new LoginException(LoginException.Exit.CONFIG_INVALID, e.getMessage(), e);
        }
    }

    /** INI text, parsed: a line that does not parse is a config mistake. */
    static IniFile parse(String source, List<String> lines) throws LoginException {
        try {
            return IniFile.parse(source, lines);
        } catch (IniFile.Unreadable e) {
            throw new LoginException(LoginException.Exit.CONFIG_INVALID, e.getMessage(), e);
        }
    }

    /**
     * Looks values up (command line first, then environment, then file), and checks them with
     * messages naming their source.
     */
    private static final class Reader {
        private final String source;
        private final IniFile.Section section;
        private final Path folder;
        private final Overrides overrides;
        private final Map<String, String> environment;
        /** Which layer names the provider: Resource and Authority are taken from the same one, the first that has either. */
        private final Layer providerLayer;
        /** What is allowed but probably a mistake, one line each. */
        private final List<String> warnings = new ArrayList<>();

        private enum Layer { COMMAND_LINE, ENVIRONMENT, FILE }

        /**
         * {@code folder} is the config file's, for relative paths in it; null when there is no file on disk.
         * {@code profile} names the section [profile NAME] to read instead of [Configuration].
         */
        Reader(String source, IniFile file, Path folder, Overrides overrides, Map<String, String> environment, Optional<String> profile)
                throws LoginException {
            this.source = source;
            this.section = file == null ? new IniFile.Section(SECTION, 0, Map.of()) : profile.isEmpty() ? file.section(SECTION)
                    : profileSection(file, profile.get());
            this.folder = folder;
            this.overrides = overrides;
            this.environment = environment;
            if (file != null) {
                checkKeys(file);
            }
            Layer layer = Layer.FILE;
            for (Layer candidate : Layer.values()) {
                if (raw(Setting.RESOURCE, candidate) != null || raw(Setting.AUTHORITY, candidate) != null) {
                    layer = candidate;
                    break;
                }
            }
            this.providerLayer = layer;
            for (String name : new java.util.TreeSet<>(environment.keySet())) {
                if (name.startsWith("OCS_LOGIN_") && !Setting.variables().contains(name)) {
                    warnings.add("warning: the environment variable " + Log.printable(name, 60) + " is not one of this tool's, so it"
                            + " is ignored" + Suggestions.closest(name, Setting.variables()).map(known -> " (did you mean " + known + "?)")
                                    .orElse(" (they are " + String.join(", ", Setting.variables()) + ")"));
                }
            }
        }

        /** [profile NAME], which must be there: a mistyped name gets the closest one. */
        private IniFile.Section profileSection(IniFile file, String name) throws LoginException {
            IniFile.Section found = file.sections().get((PROFILE_PREFIX + name.strip()).toLowerCase(Locale.ROOT));
            if (found == null) {
                List<String> names = profiles(file);
                throw new LoginException(LoginException.Exit.CONFIG_INVALID, source + " has no profile '" + Log.printable(name, 60)
                        + "' (a section [profile " + Log.printable(name, 60) + "])" + Suggestions.closest(name, names)
                                .map(known -> "; did you mean " + known + "?").orElse(names.isEmpty() ? "; it has no profiles"
                                        : "; its profiles are " + String.join(", ", names)));
            }
            return found;
        }

        /** Every key of [Configuration] and of each profile is a setting, written as a value; and no setting stands in another section. */
        private void checkKeys(IniFile file) throws LoginException {
            for (IniFile.Section other : file.sections().values()) {
                for (IniFile.Value value : other.values().values()) {
                    boolean isSetting = Setting.ofKey(value.key()).isPresent();
                    if (other == section || other.name().equalsIgnoreCase(SECTION) || other.name().toLowerCase(Locale.ROOT).startsWith(PROFILE_PREFIX)) {
                        if (!isSetting) {
                            throw invalid(value, "unknown key '" + Log.printable(value.key(), 40) + "' in [" + Log.printable(other.name(), 60) + "]"
                                    + Suggestions.closest(value.key(), java.util.Arrays.stream(Setting.values()).map(s -> s.key).toList())
                                            .map(key -> " (did you mean " + key + "?)").orElse(" (the keys are " + keys() + ")"));
                        }
                        checkWritten(value);
                    } else if (isSetting) {
                        throw invalid(value, Setting.ofKey(value.key()).get().key + " stands in [" + Log.printable(other.name(), 40)
                                + "]; it belongs in [" + SECTION + "]");
                    }
                }
            }
        }

        /** A value in quotes, or with a comment after it, would be sent as it stands: configparser keeps both. */
        private void checkWritten(IniFile.Value value) throws LoginException {
            String text = value.value();
            if (text.length() >= 2 && (text.startsWith("\"") && text.endsWith("\"") || text.startsWith("'") && text.endsWith("'"))) {
                throw invalid(value, value.key() + "'s value is in quotes, which would be sent as part of it; write it without them");
            }
            int comment = Math.max(text.indexOf(" ;"), text.indexOf(" #"));
            if (comment >= 0 || text.contains("\t;") || text.contains("\t#")) {
                throw invalid(value, value.key() + "'s value holds a comment (' ;' or ' #'), which would be sent as part of it;"
                        + " put comments on lines of their own");
            }
        }

        private LoginException invalid(IniFile.Value value, String problem) {
            return new LoginException(LoginException.Exit.CONFIG_INVALID, source + " line " + value.line() + ": " + problem);
        }

        private static String keys() {
            return String.join(", ", java.util.Arrays.stream(Setting.values()).map(s -> s.key).toList());
        }

        LoginConfig config() throws LoginException {
            Optional<String> resource = value(Setting.RESOURCE);
            Optional<String> authority = value(Setting.AUTHORITY);
            if (resource.isEmpty() && authority.isEmpty()) {
                throw error(LoginException.Exit.CONFIG_KEY_MISSING, Setting.RESOURCE, "is missing (the OCS address, e.g."
                        + " https://uswe.datahub.connect.aveva.com; or set Authority to the issuer of another OpenID Connect provider)");
            }
            boolean ocs = resource.isPresent();
            Optional<URI> resourceUrl = resource.isPresent() ? Optional.of(resource(resource.get())) : Optional.empty();
            URI issuer = authority.isPresent() ? url(Setting.AUTHORITY, authority.get())
                    : URI.create(Urls.stripTrailingSlash(resourceUrl.orElseThrow().toString()) + "/identity");
            String issuerSource = authority.isPresent() ? where(Setting.AUTHORITY) : "{Resource}/identity (from Resource, " + where(Setting.RESOURCE) + ")";
            if (authority.isPresent() && resourceUrl.isPresent() && !issuer.getHost().equalsIgnoreCase(resourceUrl.get().getHost())) {
                warnings.add("warning: the issuer is Authority " + issuer + " (" + where(Setting.AUTHORITY) + "); Resource "
                        + resourceUrl.get() + " names another host and only makes this an OCS login (its tenant and scope)."
                        + " Leave out the one you did not mean");
            }
            String clientId = required(Setting.CLIENT_ID);
            Optional<String> tenantId = value(Setting.TENANT_ID);
            if (ocs && tenantId.isEmpty()) {
                throw error(LoginException.Exit.CONFIG_KEY_MISSING, Setting.TENANT_ID, "is missing: OCS needs the tenant, sent as"
                        + " acr_values=tenant:{TenantId} (it is in the OCS portal's address, and under Tenant in its settings)");
            }
            if (ocs && !GUID.matcher(tenantId.get()).matches()) {
                throw error(LoginException.Exit.CONFIG_INVALID, Setting.TENANT_ID, "is '" + Log.printable(tenantId.get(), 60)
                        + "', not a GUID: an OCS tenant ID looks like 0a1b2c3d-1234-5678-9abc-def012345678 (it is in the"
                        + " OCS portal's address, and under Tenant in its settings)");
            }
            if (!ocs && tenantId.isPresent()) {
                warnings.add("warning: TenantId (" + where(Setting.TENANT_ID) + ") is sent as acr_values=tenant:" + tenantId.get()
                        + ", which only OCS understands; leave it out for another provider, or set Resource for OCS");
            }
            Optional<String> scope = value(Setting.SCOPE);
            if (scope.isPresent() && scope.get().contains(",")) {
                throw error(LoginException.Exit.CONFIG_INVALID, Setting.SCOPE, "is '" + Log.printable(scope.get(), 120)
                        + "': scopes are separated by spaces, not commas (e.g. openid ocsapi)");
            }
            Optional<String> redirectUri = value(Setting.REDIRECT_URI);
            Map<String, String> authParams = authParams();
            if (tenantId.isPresent() && authParams.keySet().stream().anyMatch(name -> name.equalsIgnoreCase("acr_values"))) {
                throw error(LoginException.Exit.CONFIG_INVALID, Setting.AUTH_PARAMS, "sets acr_values, which TenantId sends"
                        + " (acr_values=tenant:" + tenantId.get() + "); set one of them");
            }
            Optional<URI> apiBase = value(Setting.API_BASE).isPresent() ? Optional.of(url(Setting.API_BASE, value(Setting.API_BASE).get()))
                    : resourceUrl.map(address -> URI.create(Urls.stripTrailingSlash(address.toString()) + "/api/v1"));
            return new LoginConfig(Urls.normalized(issuer), issuerSource, ocs, clientId, tenantId,
                    scope.orElse(ocs ? LoginConfig.DEFAULT_SCOPE : LoginConfig.DEFAULT_OIDC_SCOPE),
                    scope.isPresent() ? where(Setting.SCOPE) : LoginConfig.DEFAULT_SCOPE_SOURCE + (ocs ? " for OCS" : " for an OpenID Connect provider"),
                    redirectUri.isPresent() ? redirectUri(redirectUri.get()) : LoginConfig.DEFAULT_REDIRECT_URI,
                    file(Setting.CA_FILE), authParams, file(Setting.CLIENT_SECRET_FILE), tokenStore(), apiBase, value(Setting.BROWSER),
                    section.name().toLowerCase(Locale.ROOT).startsWith(PROFILE_PREFIX) ? source + " [" + section.name() + "]" : source,
                    List.copyOf(warnings));
        }

        /** TokenStore: file (the default) or keychain, in any case. */
        private LoginConfig.TokenStore tokenStore() throws LoginException {
            Optional<String> value = value(Setting.TOKEN_STORE);
            if (value.isEmpty()) {
                return LoginConfig.TokenStore.FILE;
            }
            for (LoginConfig.TokenStore store : LoginConfig.TokenStore.values()) {
                if (store.name().equalsIgnoreCase(value.get().strip())) {
                    return store;
                }
            }
            throw error(LoginException.Exit.CONFIG_INVALID, Setting.TOKEN_STORE, "is '" + Log.printable(value.get(), 40)
                    + "'; it is file (the default: private files) or keychain (the OS's store of secrets)");
        }

        /**
         * Resource: the address of OCS alone, {@code https://host}, to which the tool adds {@code /identity}.
         * A path is a mistake said with its fix: {@code /identity} itself, or another provider's issuer
         * (a Keycloak realm), which is Authority.
         */
        private URI resource(String value) throws LoginException {
            URI uri = url(Setting.RESOURCE, value);
            String path = uri.getRawPath() == null ? "" : Urls.stripTrailingSlash(uri.getRawPath());
            if (path.isEmpty()) {
                return uri;
            }
            String origin = uri.getScheme() + "://" + uri.getRawAuthority();
            if (path.equalsIgnoreCase("/identity")) {
                throw error(LoginException.Exit.CONFIG_INVALID, Setting.RESOURCE, "ends in /identity, which the tool adds"
                        + " itself; write the address alone: " + origin);
            }
            throw error(LoginException.Exit.CONFIG_INVALID, Setting.RESOURCE, "has a path (" + Log.printable(path, 80) + "), but it"
                    + " is the OCS address alone, such as " + origin + ". For another provider's issuer"
                    + (path.contains("/realms/") ? " (this looks like a Keycloak realm)" : "") + ", set Authority (" + Setting.AUTHORITY.option()
                    + ") to it instead, and leave Resource and TenantId out");
        }

        /** A setting's value in one layer; null when it is not set there (or blank). */
        private String raw(Setting setting, Layer layer) {
            String value = switch (layer) {
                case COMMAND_LINE -> overrides.get(setting);
                case ENVIRONMENT -> environment.get(setting.variable());
                case FILE -> section.get(setting.key).map(IniFile.Value::value).orElse(null);
            };
            return value == null || value.isBlank() ? null : value;
        }

        /** Where {@code setting}'s value comes from. Resource and Authority come from one layer: the highest that has either. */
        private Layer layer(Setting setting) {
            if (setting == Setting.RESOURCE || setting == Setting.AUTHORITY) {
                return providerLayer;
            }
            for (Layer layer : Layer.values()) {
                if (raw(setting, layer) != null) {
                    return layer;
                }
            }
            return Layer.FILE;
        }

        /** Where {@code setting}'s value comes from: its option, its environment variable, or the file's key. */
        String where(Setting setting) {
            return switch (layer(setting)) {
                case COMMAND_LINE -> setting.option();
                case ENVIRONMENT -> "the environment variable " + setting.variable();
                case FILE -> source + ": [" + section.name() + "] " + setting.key;
            };
        }

        private String line(Setting setting) {
            return layer(setting) == Layer.FILE ? section.get(setting.key).map(value -> " (line " + value.line() + ")").orElse("") : "";
        }

        Optional<String> value(Setting setting) throws LoginException {
            String value = raw(setting, layer(setting));
            if (value == null) {
                return Optional.empty();
            }
            if (value.regionMatches(true, 0, "PLACEHOLDER", 0, "PLACEHOLDER".length())) {
                throw error(LoginException.Exit.CONFIG_PLACEHOLDER, setting, "is still the placeholder " + Log.printable(value, 80)
                        + " from config.placeholder.ini; replace it with your own value");
            }
            return Optional.of(value.strip());
        }

        String required(Setting setting) throws LoginException {
            Optional<String> value = value(setting);
            if (value.isEmpty()) {
                throw error(LoginException.Exit.CONFIG_KEY_MISSING, setting, "is missing");
            }
            return value.get();
        }

        /** A file ({@link Setting.Kind#FILE}); relative to the config file when it is in one. */
        Optional<Path> file(Setting setting) throws LoginException {
            Optional<String> value = value(setting);
            if (value.isEmpty()) {
                return Optional.empty();
            }
            Path file = Path.of(value.get());
            if (!file.isAbsolute() && folder != null && layer(setting) == Layer.FILE) {
                file = folder.resolve(file);
            }
            if (!Files.isRegularFile(file)) {
                throw error(LoginException.Exit.CONFIG_INVALID, setting, setting == Setting.CLIENT_SECRET_FILE
                        ? "does not name a file (its value is not shown: it may be the secret itself, which belongs in the file,"
                                + " or in the environment variable " + Setting.CLIENT_SECRET_VARIABLE + ")"
                        : "names " + Log.printable(file.toString(), 200) + ", which is not a file");
            }
            return Optional.of(file);
        }

        /** {@link Setting#AUTH_PARAMS}: {@code a=b&c=d}, form-encoded, none of the flow's own parameters. */
        Map<String, String> authParams() throws LoginException {
            Optional<String> value = value(Setting.AUTH_PARAMS);
            Map<String, String> parameters = new LinkedHashMap<>();
            if (value.isEmpty()) {
                return parameters;
            }
            for (String pair : value.get().split("&")) {
                if (pair.isBlank()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String name;
                String decoded;
                try {
                    name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8).strip();
                    decoded = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw error(LoginException.Exit.CONFIG_INVALID, Setting.AUTH_PARAMS, "is not form-encoded name=value pairs"
                            + " joined by & (e.g. prompt=login&ui_locales=de)");
                }
                if (name.isEmpty() || equals < 0) {
                    throw error(LoginException.Exit.CONFIG_INVALID, Setting.AUTH_PARAMS, "has '" + Log.printable(pair, 40)
                            + "', not name=value (e.g. prompt=login&ui_locales=de)");
                }
                if (!LoginConfig.AUTH_PARAMETERS.contains(name)) {
                    throw error(LoginException.Exit.CONFIG_INVALID, Setting.AUTH_PARAMS, "sets '" + Log.printable(name, 40)
                            + "', which it may not: it takes only parameters that cannot change where the code goes or what binds it"
                            + " to this login (" + String.join(", ", new java.util.TreeSet<>(LoginConfig.AUTH_PARAMETERS)) + "); the client,"
                            + " scope and redirect URI have settings of their own");
                }
                if (name.equals("prompt") && List.of(decoded.strip().split("\\s+")).contains("none")) {
                    throw error(LoginException.Exit.CONFIG_INVALID, Setting.AUTH_PARAMS, "sets prompt=none, which asks the provider"
                            + " never to show a page: a sign-in that needs one cannot happen; leave it out");
                }
                if (parameters.put(name, decoded) != null) {
                    throw error(LoginException.Exit.CONFIG_INVALID, Setting.AUTH_PARAMS, "sets " + Log.printable(name, 40) + " twice");
                }
            }
            return parameters;
        }

        /** The provider's address: see {@link Urls#providerUrlProblem}; and no query, since paths are appended to it. */
        URI url(Setting setting, String value) throws LoginException {
            URI uri = parse(setting, value);
            Optional<String> problem = uri.getRawQuery() != null ? Optional.of("has a query (?...)") : Urls.providerUrlProblem(uri);
            if (problem.isPresent()) {
                throw error(LoginException.Exit.CONFIG_INVALID, setting, problem.get() + " ('" + Log.printable(value, 200)
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
                        + " host with a port from 0 to 65535 and a path, like " + LoginConfig.DEFAULT_REDIRECT_URI + "; found '"
                        + Log.printable(value, 200) + "'");
            }
            return uri;
        }

        URI parse(Setting setting, String value) throws LoginException {
            try {
                return new URI(value);
            } catch (URISyntaxException e) {
                throw error(LoginException.Exit.CONFIG_INVALID, setting, "is not a valid URL: '" + Log.printable(value, 200)
                        + "' (" + e.getReason() + ")");
            }
        }

        LoginException error(LoginException.Exit exit, Setting setting, String problem) {
            return new LoginException(exit, where(setting) + " " + problem + line(setting));
        }
    }
}
