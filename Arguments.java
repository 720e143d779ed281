import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.AmbiguousOptionException;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.UnrecognizedOptionException;
import org.apache.commons.cli.help.HelpFormatter;
import org.apache.commons.cli.help.TextHelpAppendable;

/**
 * The command line, parsed by Apache Commons CLI: the options, {@code --help} with every exit code,
 * and the values of one run. A mistake on the command line is a {@link LoginException.Exit#USAGE}
 * failure whose message names the option, with a suggestion for a mistyped one.
 */
record Arguments(Path configFile, LoginConfig.Overrides overrides, OcsPkceLogin.Limits limits, Session.CacheOptions cache,
        boolean logout, boolean noBrowser, boolean device, boolean paste, Output output, boolean demo, boolean verbose, boolean quiet,
        boolean help, boolean version) {

    enum Output { TOKEN, JSON }

    private static final Options OPTIONS = new Options();

    static {
        add(null, "config", "FILE", "INI file with a [Configuration] section (default: ./config.ini, else"
                + " ~/.config/ocs-pkce-login/config.ini)");
        add(null, LoginConfig.Setting.RESOURCE, "URL", "OCS address; the issuer is then {Resource}/identity");
        add(null, LoginConfig.Setting.TENANT_ID, "ID", "OCS tenant, sent as acr_values=tenant:{ID}");
        add(null, LoginConfig.Setting.CLIENT_ID, "ID", "The client registered for Authorization Code + PKCE");
        add(null, LoginConfig.Setting.AUTHORITY, "URL", "The issuer of another OpenID Connect provider");
        add(null, LoginConfig.Setting.SCOPE, "SCOPES", "Space-separated scopes (default: " + LoginConfig.DEFAULT_SCOPE + " for OCS, "
                + LoginConfig.DEFAULT_OIDC_SCOPE + " with Authority)");
        add(null, LoginConfig.Setting.REDIRECT_URI, "URL", "Loopback redirect URI (default: " + LoginConfig.DEFAULT_REDIRECT_URI + ")");
        add(null, LoginConfig.Setting.CA_FILE, "PEM", "CA certificates to trust besides Java's own (a company or private CA)");
        add(null, "timeout", "SECONDS", "How long to wait for the sign-in (default: 300)");
        add(null, "connect-timeout", "SECONDS", "Connect timeout for each call to the provider (default: 10)");
        add(null, "read-timeout", "SECONDS", "Time limit for each whole answer of the provider (default: 30)");
        add(null, "no-browser", null, "Do not open a browser; only print the URL to open");
        add(null, "device", null, "Sign in on another device with a code (RFC 8628 device flow), for machines without a browser");
        add(null, "paste", null, "Sign in in a browser anywhere, then paste the address it ended at (SSH, containers)");
        add(null, "min-validity", "SECONDS", "A cached access token with at least this much time left is printed at once; an older"
                + " one is refreshed (default: 60)");
        add(null, "force-login", null, "Sign in in the browser even when the cache has tokens (the new ones are cached)");
        add(null, "no-cache", null, "Neither read nor write the token cache");
        add(null, "cache-dir", "DIR", "The token cache's folder (default: ${XDG_CACHE_HOME:-~/.cache}/ocs-pkce-login/tokens)");
        add(null, "logout", null, "Revoke the cached refresh token at the provider (RFC 7009) and delete the cached tokens");
        add("o", "output", "FORMAT", "token: the access token alone (default); json: the token response with the validated ID token claims");
        add(null, "demo", null, "Log in to a local Keycloak that stands in for OCS (started, and stopped afterwards, by this command)");
        add("v", "verbose", null, "Print details, and stack traces on errors (secrets stay masked)");
        add("q", "quiet", null, "Print nothing on stderr but errors");
        add("h", "help", null, "Show this help and exit");
        add("V", "version", null, "Print the version and exit");
    }

    private static void add(String shortName, LoginConfig.Setting setting, String argument, String description) {
        add(shortName, setting.option.substring(2), argument, description);
    }

    private static void add(String shortName, String longName, String argument, String description) {
        OPTIONS.addOption(Option.builder(shortName).longOpt(longName).hasArg(argument != null).argName(argument).desc(description).get());
    }

    /** Parses {@code args}; a mistake is a USAGE failure that names the option. */
    static Arguments parse(String... args) throws LoginException {
        CommandLine line;
        try {
            line = DefaultParser.builder().get().parse(OPTIONS, args);
        } catch (AmbiguousOptionException e) {
            throw usage("'" + e.getOption() + "' could be any of --" + String.join(", --", e.getMatchingOptions()));
        } catch (UnrecognizedOptionException e) {
            throw usage("unknown option '" + Log.printable(e.getOption(), 80) + "'" + suggestion(e.getOption()));
        } catch (ParseException e) {
            throw usage(Log.printable(e.getMessage()));
        }
        if (!line.getArgList().isEmpty()) {
            throw usage("unexpected argument '" + Log.printable(line.getArgList().get(0), 80) + "'; every value follows its option");
        }
        LoginConfig.Overrides overrides = new LoginConfig.Overrides(
                value(line, LoginConfig.Setting.RESOURCE), value(line, LoginConfig.Setting.TENANT_ID),
                value(line, LoginConfig.Setting.CLIENT_ID), value(line, LoginConfig.Setting.AUTHORITY),
                value(line, LoginConfig.Setting.SCOPE), value(line, LoginConfig.Setting.REDIRECT_URI),
                value(line, LoginConfig.Setting.CA_FILE));
        OcsPkceLogin.Limits limits = new OcsPkceLogin.Limits(seconds(line, "timeout", 300, 1),
                seconds(line, "connect-timeout", 10, 1), seconds(line, "read-timeout", 30, 1));
        Session.CacheOptions cache = new Session.CacheOptions(
                line.hasOption("cache-dir") ? java.util.Optional.of(Path.of(last(line, "cache-dir", null))) : java.util.Optional.empty(),
                seconds(line, "min-validity", 60, 0), line.hasOption("force-login"), line.hasOption("no-cache"));
        if (cache.noCache() && line.hasOption("logout")) {
            throw usage("--logout and --no-cache exclude each other: --logout works on the cache");
        }
        if (line.hasOption("device") && line.hasOption("paste")) {
            throw usage("--device and --paste exclude each other: choose one way to sign in");
        }
        return new Arguments(line.hasOption("config") ? Path.of(last(line, "config", null)) : null, overrides, limits, cache,
                line.hasOption("logout"), line.hasOption("no-browser"), line.hasOption("device"), line.hasOption("paste"), output(line),
                line.hasOption("demo"), line.hasOption("verbose"),
                line.hasOption("quiet"), line.hasOption("help"), line.hasOption("version"));
    }

    private static String value(CommandLine line, LoginConfig.Setting setting) {
        return last(line, setting.option.substring(2), null);
    }

    /** An option's value; given more than once, the last one counts (so that an alias can be overridden). */
    private static String last(CommandLine line, String option, String otherwise) {
        String[] values = line.getOptionValues(option);
        return values == null || values.length == 0 ? otherwise : values[values.length - 1];
    }

    private static Duration seconds(CommandLine line, String option, long defaultSeconds, long least) throws LoginException {
        String text = last(line, option, String.valueOf(defaultSeconds));
        try {
            long value = Long.parseLong(text.strip());
            if (value >= least && value <= 86_400) {
                return Duration.ofSeconds(value);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw usage("--" + option + " must be a whole number of seconds from " + least + " to 86400, not '" + Log.printable(text, 40) + "'");
    }

    private static Output output(CommandLine line) throws LoginException {
        String text = last(line, "output", "token");
        try {
            return Output.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw usage("--output must be token or json, not '" + Log.printable(text, 40) + "'");
        }
    }

    /** " (did you mean --verbose?)" for a mistyped option: the closest long option, if it is close enough. */
    private static String suggestion(String typed) {
        String name = typed.replaceFirst("^-+", "").replaceFirst("=.*", "");
        org.apache.commons.text.similarity.LevenshteinDistance distance =
                new org.apache.commons.text.similarity.LevenshteinDistance(Math.max(2, name.length() / 3));
        return OPTIONS.getOptions().stream()
                .map(Option::getLongOpt)
                .filter(option -> distance.apply(name, option) >= 0)
                .min(Comparator.comparingInt(option -> distance.apply(name, option)))
                .map(option -> " (did you mean --" + option + "?)")
                .orElse("");
    }

    private static LoginException usage(String message) {
        return new LoginException(LoginException.Exit.USAGE, message);
    }

    /** --help: what the tool does, every option, and every exit code. */
    static void printHelp(PrintStream out) {
        TextHelpAppendable text = new TextHelpAppendable(out);
        text.setMaxWidth(100);
        try {
            HelpFormatter help = HelpFormatter.builder().setShowSince(false).setComparator((a, b) -> 0).setHelpAppendable(text).get();
            help.setSyntaxPrefix("Usage:");
            help.printHelp("ocs-login [OPTIONS]", "Gets an access token from OSIsoft Cloud Services (AVEVA Data Hub) or any"
                            + " OpenID Connect provider, by Authorization Code + PKCE in your browser. The token is printed"
                            + " to stdout; progress and errors go to stderr.", OPTIONS, "", false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println("Exit codes:");
        for (LoginException.Exit exit : List.of(LoginException.Exit.values())) {
            out.printf("%4d   %s%n", exit.code, exit.meaning);
        }
        out.flush();
    }
}
