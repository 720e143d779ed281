package cli;

import login.LoginConfig;

/**
 * The settings of a login, each declared once: its key in {@code config.ini}'s [Configuration], the
 * command-line option and the environment variable that set it too, what the help says of it, and
 * how its value is checked. {@link LoginConfig}, {@link Arguments} and the help are made from this.
 *
 * <p>Precedence: the command line, then the environment, then the file. The client secret of
 * {@code --client-credentials} is not a setting: it comes only from {@code OCS_LOGIN_CLIENT_SECRET}
 * or {@link #CLIENT_SECRET_FILE}, never from an argument that other local users can read.
 */
enum Setting {
    RESOURCE("Resource", "URL", Kind.PROVIDER_URL, "OCS address; the issuer is then {Resource}/identity"),
    TENANT_ID("TenantId", "ID", Kind.TEXT, "OCS tenant, sent as acr_values=tenant:{ID}"),
    CLIENT_ID("ClientId", "ID", Kind.TEXT, "The client registered for Authorization Code + PKCE"),
    AUTHORITY("Authority", "URL", Kind.PROVIDER_URL, "The issuer of another OpenID Connect provider"),
    SCOPE("Scope", "SCOPES", Kind.TEXT, "Scopes (default: openid ocsapi for OCS, and offline_access with a"
            + " client secret; else openid)"),
    REDIRECT_URI("RedirectUri", "URL", Kind.REDIRECT_URI, "Default: " + LoginConfig.DEFAULT_REDIRECT_URI),
    CA_FILE("CaFile", "PEM", Kind.FILE, "CA certificates to trust besides Java's own"),
    AUTH_PARAMS("AuthParams", "a=b&c=d", Kind.PARAMETERS, "More parameters for the authorization request"),
    CLIENT_SECRET_FILE("ClientSecretFile", "FILE", Kind.FILE, "A 0600 file with the client's secret (a machine, an"
            + " OCS Hybrid client), or " + Setting.CLIENT_SECRET_VARIABLE),
    TOKEN_STORE("TokenStore", "STORE", Kind.TEXT, "file (default), or keychain (the OS's store)"),
    API_BASE("ApiBase", "URL", Kind.PROVIDER_URL, "Where 'api' sends (OCS: {Resource}/api/v1)"),
    BROWSER("Browser", "COMMAND", Kind.TEXT, "Opens the browser (default: $BROWSER, else the OS's)");

    /** How a value is checked (by {@link LoginConfig}). */
    enum Kind {
        TEXT,
        /** https, or http on loopback, with a host and no query or fragment ({@link system.Urls#providerUrlProblem}). */
        PROVIDER_URL,
        /** http on a loopback host, with a path (RFC 8252 §7.3). */
        REDIRECT_URI,
        /** A regular file; relative to the config file when it is in one. */
        FILE,
        /** Form-encoded {@code name=value} pairs, none of the flow's own. */
        PARAMETERS
    }

    /** The key in config.ini (matched without regard to case, as Python's configparser does). */
    final String key;
    /** What the option's value is, in the help: URL, ID... */
    final String argument;
    final Kind kind;
    final String help;

    private final String optionName;

    Setting(String key, String argument, Kind kind, String help) {
        this.key = key;
        this.argument = argument;
        this.kind = kind;
        this.help = help;
        StringBuilder name = new StringBuilder(); // ClientId is client-id (a loop: a regex would cost a cold start ms)
        for (char c : key.toCharArray()) {
            if (Character.isUpperCase(c) && name.length() > 0) {
                name.append('-');
            }
            name.append(Character.toLowerCase(c));
        }
        this.optionName = name.toString();
    }

    /** The option's long name, without dashes: ClientId is client-id. */
    String optionName() {
        return optionName;
    }

    /** The option as typed: {@code --client-id}. */
    String option() {
        return "--" + optionName();
    }

    /** The environment variable that sets it, between config.ini and the command line: OCS_LOGIN_CLIENT_ID... */
    String variable() {
        return "OCS_LOGIN_" + name();
    }

    /** The environment variable that may hold the client's secret: never an option, which every local user can read. */
    static final String CLIENT_SECRET_VARIABLE = "OCS_LOGIN_CLIENT_SECRET";

    /** Every {@code OCS_LOGIN_*} variable the tool reads: the settings', the secret's, and the demo's idle time. */
    static java.util.List<String> variables() {
        java.util.List<String> all = new java.util.ArrayList<>();
        for (Setting setting : values()) {
            all.add(setting.variable());
        }
        all.add(CLIENT_SECRET_VARIABLE);
        all.add(ConfigFiles.PROFILE_VARIABLE);
        all.add(keycloak.LocalKeycloak.IDLE_VARIABLE);
        return all;
    }

    /** The setting of a config key (in any case), if it is one. */
    static java.util.Optional<Setting> ofKey(String key) {
        for (Setting setting : values()) {
            if (setting.key.equalsIgnoreCase(key)) {
                return java.util.Optional.of(setting);
            }
        }
        return java.util.Optional.empty();
    }
}
