package cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.MissingArgumentException;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.UnrecognizedOptionException;
import login.Limits;
import login.LoginException;
import login.Session;
import api.ApiRequest;
import system.Keychain;
import system.Log;
import system.UserFolders;

/**
 * The command line: the options (one per {@link Setting}, and the run's own, each declared once in
 * {@link #FLAGS}), parsed by Apache Commons CLI; {@code --help}, made from the same table; and the
 * values of one run. A mistake is a {@link LoginException.Exit#USAGE} failure that names the option,
 * with a suggestion for a mistyped one.
 */
record Arguments(Path configFile, Optional<String> profile, Overrides overrides, Limits limits, Session.CacheOptions cache,
        Action action, SignIn signIn, boolean noBrowser, boolean noPar, Output output, boolean demo, boolean verbose, boolean quiet,
        Optional<Completion.Shell> completion, List<String> command, Optional<ApiRequest> api) {

    /** What the run does: print the token (LOGIN), or run a command with it (EXEC), or call the API with it (API), or another job. */
    enum Action { LOGIN, EXEC, API, LOGOUT, STATUS, HELP, VERSION, COMPLETION, STORE_CLIENT_SECRET, FORGET_CLIENT_SECRET }

    /** How a run signs in when the cache cannot answer. */
    enum SignIn { BROWSER, PASTE, DEVICE, CLIENT_CREDENTIALS }

    enum Output { TOKEN, JSON, HEADER }

    /** The groups of --help, in order. */
    private enum Group {
        PROVIDER("Where to sign in (also in config.ini [Configuration], and as OCS_LOGIN_*):"),
        SIGN_IN("How to sign in:"),
        CACHE("The token cache:"),
        USE("Using the token: ocs-login exec -- COMMAND [ARGS...] runs COMMAND with it in\n$"
                + Exec.VARIABLE + "; ocs-login api PATH calls ApiBase (OCS: its REST API) with it:"),
        OUTPUT("Output and limits:");

        final String title;

        Group(String title) {
            this.title = title;
        }
    }

    /** One option of the run's own (the settings' options come from {@link Setting}). */
    private record Flag(String shortName, String name, String argument, Group group, String help) {
    }

    private static final List<Flag> FLAGS = List.of(
            new Flag(null, "config", "FILE", Group.PROVIDER, "INI file (default: ./config.ini, then ~/.config)"),
            new Flag(null, "profile", "NAME", Group.PROVIDER, "Its section [profile NAME] (or OCS_LOGIN_PROFILE)"),
            new Flag(null, "demo", null, Group.PROVIDER, "Sign in at a local Keycloak that stands in for OCS"),
            new Flag(null, "no-browser", null, Group.SIGN_IN, "Do not open a browser; only print the URL to open"),
            new Flag(null, "device", null, Group.SIGN_IN, "Sign in on another device with a code (RFC 8628)"),
            new Flag(null, "paste", null, Group.SIGN_IN, "Sign in anywhere, then paste the address it ended at"),
            new Flag(null, "no-par", null, Group.SIGN_IN, "Never push the request first (RFC 9126)"),
            new Flag(null, "client-credentials", null, Group.SIGN_IN, "A machine's token, with OCS_LOGIN_CLIENT_SECRET"),
            new Flag(null, "min-validity", "SECONDS", Group.CACHE, "Time a cached token must have left (default: " + Session.DEFAULT_MIN_VALIDITY.toSeconds() + ")"),
            new Flag(null, "force-login", null, Group.CACHE, "Sign in even when the cache has tokens"),
            new Flag(null, "no-cache", null, Group.CACHE, "Neither read nor write the token cache"),
            new Flag(null, "cache-dir", "DIR", Group.CACHE, "Cache folder (default: ~/.cache/ocs-pkce-login)"),
            new Flag(null, "logout", null, Group.CACHE, "Revoke the refresh token and delete the tokens"),
            new Flag(null, "status", null, Group.CACHE, "List the cached logins (no token, no network)"),
            new Flag(null, "store-client-secret", null, Group.CACHE, "Read the client's secret (no echo) into the keychain"),
            new Flag(null, "forget-client-secret", null, Group.CACHE, "Remove the client's secret from the keychain"),
            new Flag("X", "method", "METHOD", Group.USE, "api: the method (default: GET; POST with --input)"),
            new Flag("H", "header", "HEADER", Group.USE, "api: one more header, 'Name: value'"),
            new Flag(null, "input", "FILE", Group.USE, "api: the request's body, from FILE, or - for stdin"),
            new Flag("i", "include", null, Group.USE, "api: print the status line and headers first"),
            new Flag("o", "output", "FORMAT", Group.OUTPUT, "token (default), header (for curl -H @-), or json"),
            new Flag(null, "timeout", "SECONDS", Group.OUTPUT, "Longest wait for a sign-in (default: " + Limits.DEFAULT_TIMEOUT.toSeconds() + ")"),
            new Flag(null, "connect-timeout", "SECONDS", Group.OUTPUT, "Connect timeout for each call (default: " + Limits.DEFAULT_CONNECT_TIMEOUT.toSeconds() + ")"),
            new Flag(null, "read-timeout", "SECONDS", Group.OUTPUT, "Time limit for each whole answer (default: " + Limits.DEFAULT_READ_TIMEOUT.toSeconds() + ")"),
            new Flag("v", "verbose", null, Group.OUTPUT, "Details and stack traces (secrets stay masked)"),
            new Flag("q", "quiet", null, Group.OUTPUT, "Nothing on stderr but errors"),
            new Flag(null, "completion", "SHELL", Group.OUTPUT, "Print a completion script: bash or zsh"),
            new Flag("h", "help", null, Group.OUTPUT, "Show this help"),
            new Flag("V", "version", null, Group.OUTPUT, "Print the version"));

    private static final Options OPTIONS = new Options();

    static {
        for (Setting setting : Setting.values()) {
            OPTIONS.addOption(Option.builder().longOpt(setting.optionName()).hasArg().argName(setting.argument).get());
        }
        for (Flag flag : FLAGS) {
            OPTIONS.addOption(Option.builder(flag.shortName()).longOpt(flag.name()).hasArg(flag.argument() != null).argName(flag.argument()).get());
        }
    }

    /**
     * Parses {@code args}; a mistake is a USAGE failure that names the option. An option is matched
     * by its whole name only: a prefix would let {@code --client-secret VALUE} pass as
     * {@code --client-secret-file VALUE}, and the secret would then be echoed as a file name.
     */
    static Arguments parse(String... args) throws LoginException {
        CommandLine line;
        try {
            line = DefaultParser.builder().setAllowPartialMatching(false).get().parse(OPTIONS, args);
        } catch (UnrecognizedOptionException e) {
            throw unknown(e.getOption());
        } catch (MissingArgumentException e) {
            Option option = e.getOption();
            throw usage("--" + option.getLongOpt() + " needs a value (" + option.getArgName() + ")"
                    + (option.getLongOpt().equals("output") ? ": token, header or json" : option.getLongOpt().equals("completion") ? ": bash or zsh" : ""));
        } catch (ParseException e) {
            throw usage(Log.printable(e.getMessage()));
        }
        List<String> positional = line.getArgList();
        String subcommand = positional.isEmpty() ? "" : positional.get(0);
        if (!positional.isEmpty() && !subcommand.equals("exec") && !subcommand.equals("api")) {
            throw usage("unexpected argument '" + Log.printable(subcommand, 80) + "'; every value follows its option (and the"
                    + " commands are exec and api)");
        }
        List<String> command = subcommand.equals("exec") ? List.copyOf(positional.subList(1, positional.size())) : List.of();
        if (subcommand.equals("exec") && command.isEmpty()) {
            throw usage("exec needs a command to run: ocs-login exec -- COMMAND [ARGS...]");
        }
        if (subcommand.equals("api") && positional.size() != 2) {
            throw usage(positional.size() < 2 ? "api needs a PATH: ocs-login api PATH (e.g. Tenants/{tenant}/Namespaces)"
                    : "api takes one PATH, not '" + Log.printable(positional.get(2), 80) + "' too");
        }
        Optional<ApiRequest> api = Optional.empty();
        if (subcommand.equals("api")) {
            api = Optional.of(new ApiRequest(last(line, "method").map(method -> method.strip().toUpperCase(Locale.ROOT)).orElse(
                    line.hasOption("input") ? "POST" : "GET"), positional.get(1), last(line, "input"),
                    line.getOptionValues("header") == null ? List.of() : List.of(line.getOptionValues("header")), line.hasOption("include")));
            try {
                api.get().check();
            } catch (api.ApiFailure e) {
                throw usage(e.getMessage());
            }
        } else {
            for (String apiOnly : List.of("method", "header", "input", "include")) {
                if (line.hasOption(apiOnly)) {
                    throw usage("--" + apiOnly + " is for api: ocs-login api PATH --" + apiOnly + (apiOnly.equals("include") ? "" : " ..."));
                }
            }
        }
        if (line.hasOption("demo") && line.hasOption("config")) {
            throw usage("--demo signs in with its own built-in config, so --config " + Log.printable(line.getOptionValue("config"), 80)
                    + " would not be read; leave out one of them");
        }
        EnumMap<Setting, String> given = new EnumMap<>(Setting.class);
        for (Setting setting : Setting.values()) {
            last(line, setting.optionName()).ifPresent(value -> given.put(setting, value));
        }
        Limits limits = new Limits(seconds(line, "timeout", Limits.DEFAULT_TIMEOUT, 1), seconds(line, "connect-timeout",
                Limits.DEFAULT_CONNECT_TIMEOUT, 1), seconds(line, "read-timeout", Limits.DEFAULT_READ_TIMEOUT, 1));
        Session.CacheOptions cache = new Session.CacheOptions(last(line, "cache-dir").map(Path::of),
                seconds(line, "min-validity", Session.DEFAULT_MIN_VALIDITY, 0), line.hasOption("force-login"), line.hasOption("no-cache"),
                () -> Keychain.ofThisSystem(UserFolders.ofThisProcess(), limits.callbackTimeout()), // a call may wait for an unlock prompt
                Optional.empty());
        if (cache.noCache() && line.hasOption("logout")) {
            throw usage("--logout and --no-cache exclude each other: --logout works on the cache");
        }
        List<String> ways = new ArrayList<>();
        for (String way : List.of("device", "paste", "client-credentials")) {
            if (line.hasOption(way)) {
                ways.add("--" + way);
            }
        }
        if (ways.size() > 1) {
            throw usage(String.join(" and ", ways) + " exclude each other: choose one way to sign in");
        }
        List<String> actions = new ArrayList<>();
        for (String other : List.of("status", "logout", "store-client-secret", "forget-client-secret")) {
            if (line.hasOption(other)) {
                actions.add("--" + other);
            }
        }
        if (actions.size() > 1) {
            throw usage(String.join(" and ", actions) + " exclude each other");
        }
        Optional<Completion.Shell> completion = Optional.empty();
        if (line.hasOption("completion")) {
            String shell = last(line, "completion").orElse("");
            try {
                completion = Optional.of(Completion.Shell.valueOf(shell.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw usage("--completion must be bash or zsh, not '" + Log.printable(shell, 40) + "'");
            }
        }
        Action action = line.hasOption("help") ? Action.HELP : line.hasOption("version") ? Action.VERSION
                : completion.isPresent() ? Action.COMPLETION : line.hasOption("status") ? Action.STATUS
                : line.hasOption("logout") ? Action.LOGOUT : line.hasOption("store-client-secret") ? Action.STORE_CLIENT_SECRET
                : line.hasOption("forget-client-secret") ? Action.FORGET_CLIENT_SECRET : subcommand.equals("exec") ? Action.EXEC
                : subcommand.equals("api") ? Action.API : Action.LOGIN;
        if (!subcommand.isEmpty() && action != Action.EXEC && action != Action.API && action != Action.HELP) {
            throw usage(subcommand + " uses the token, and --" + action.name().toLowerCase(Locale.ROOT).replace('_', '-')
                    + " does another job; leave out one of them");
        }
        if (!subcommand.isEmpty() && line.hasOption("output")) {
            throw usage("--output is for the token itself; " + subcommand + (subcommand.equals("exec") ? " gives it to the command"
                    : " prints the API's answer"));
        }
        SignIn signIn = line.hasOption("device") ? SignIn.DEVICE : line.hasOption("paste") ? SignIn.PASTE
                : line.hasOption("client-credentials") ? SignIn.CLIENT_CREDENTIALS : SignIn.BROWSER;
        if (signIn == SignIn.PASTE && api.flatMap(ApiRequest::input).filter("-"::equals).isPresent()) {
            throw usage("--paste and --input - both read stdin: give the body as --input FILE");
        }
        if (line.hasOption("demo") && line.hasOption("profile")) {
            throw usage("--demo signs in with its own built-in config, so --profile would not be read; leave out one of them");
        }
        return new Arguments(last(line, "config").map(Path::of).orElse(null), last(line, "profile").map(String::strip), new Overrides(given),
                limits, cache, action, signIn, line.hasOption("no-browser"), line.hasOption("no-par"), output(line), line.hasOption("demo"),
                line.hasOption("verbose"), line.hasOption("quiet"), completion, command, api);
    }

    /** An option's value; given more than once, the last one counts (so that an alias can be overridden). */
    private static Optional<String> last(CommandLine line, String option) {
        String[] values = line.getOptionValues(option);
        return values == null || values.length == 0 ? Optional.empty() : Optional.of(values[values.length - 1]);
    }

    private static Duration seconds(CommandLine line, String option, Duration defaultValue, long least) throws LoginException {
        String text = last(line, option).orElse(String.valueOf(defaultValue.toSeconds()));
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
        String text = last(line, "output").orElse("token");
        try {
            return Output.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw usage("--output must be token, header or json, not '" + Log.printable(text, 40) + "'");
        }
    }

    /**
     * An option that is not one of ours, named without what follows an {@code =} (which may be a
     * secret), with the closest long option when it is close enough. {@code --client-secret} gets
     * the two places a secret may come from instead.
     */
    private static LoginException unknown(String typed) {
        String name = typed.replaceFirst("^-+", "").replaceFirst("=.*", "");
        if (name.equals("client-secret")) {
            return usage("--client-secret is not an option: every local user can read a command line. Put the secret in the"
                    + " environment variable " + Setting.CLIENT_SECRET_VARIABLE + ", or in a file only you can read (chmod 600)"
                    + " named by --client-secret-file or ClientSecretFile");
        }
        return usage("unknown option '" + (typed.startsWith("--") ? "--" : "-") + Log.printable(name, 80) + "'"
                + Suggestions.closest(name, OPTIONS.getOptions().stream().map(Option::getLongOpt).toList())
                        .map(option -> " (did you mean --" + option + "?)").orElse(""));
    }

    private static LoginException usage(String message) {
        return new LoginException(LoginException.Exit.USAGE, message);
    }

    /** One option as the completion scripts need it: its short name (or null), long name, value (null for a flag) and help. */
    record Described(String shortName, String name, String argument, String help) {
    }

    /** Every option, in the order of --help: for the completion scripts. */
    static List<Described> options() {
        List<Described> all = new ArrayList<>();
        for (Setting setting : Setting.values()) {
            all.add(new Described(null, setting.optionName(), setting.argument, setting.help));
        }
        for (Flag flag : FLAGS) {
            all.add(new Described(flag.shortName(), flag.name(), flag.argument(), flag.help()));
        }
        return all;
    }

    /** The width --help fits in: a terminal's, and a README's code block. */
    static final int HELP_WIDTH = 80;
    private static final int HELP_COLUMN = 28;

    /** --help: what the tool does and every option, in 80 columns; the exit codes are in the README. */
    static void printHelp(PrintStream out) {
        List<String> lines = new ArrayList<>();
        lines.add("Usage: ocs-login [OPTIONS] [exec -- COMMAND [ARGS...] | api PATH]");
        lines.addAll(wrap("Gets an access token from OSIsoft Cloud Services (AVEVA Data Hub) or any OpenID"
                + " Connect provider, by Authorization Code + PKCE in your browser, and prints it to stdout."
                + " Progress and errors go to stderr.", 0));
        for (Group group : Group.values()) {
            lines.add("");
            for (String title : group.title.split("\n")) {
                lines.addAll(wrap(title, 0));
            }
            if (group == Group.PROVIDER) {
                for (Setting setting : Setting.values()) {
                    lines.addAll(option(setting.option() + " " + setting.argument, setting.help));
                }
            }
            for (Flag flag : FLAGS) {
                if (flag.group() == group) {
                    lines.addAll(option((flag.shortName() == null ? "" : "-" + flag.shortName() + ", ") + "--" + flag.name()
                            + (flag.argument() == null ? "" : " " + flag.argument()), flag.help()));
                }
            }
        }
        lines.add("");
        lines.addAll(wrap("Exit codes: 0 when the token was printed; the others are in the README.", 0));
        lines.forEach(out::println);
        out.flush();
    }

    /** One option's lines: its name, then its help from the help column (on the next line when the name is long). */
    private static List<String> option(String name, String help) {
        List<String> text = wrap(help, HELP_COLUMN);
        String first = "  " + name;
        if (first.length() <= HELP_COLUMN - 1) {
            text.set(0, first + " ".repeat(HELP_COLUMN - first.length()) + text.get(0).substring(HELP_COLUMN));
        } else {
            text.add(0, first);
        }
        return text;
    }

    /** {@code text} in lines of at most {@link #HELP_WIDTH}, each indented by {@code indent}; no trailing spaces. */
    private static List<String> wrap(String text, int indent) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder(" ".repeat(indent));
        for (String word : text.split(" ")) {
            if (line.length() > indent && line.length() + 1 + word.length() > HELP_WIDTH) {
                lines.add(line.toString());
                line = new StringBuilder(" ".repeat(indent));
            }
            if (line.length() > indent) {
                line.append(' ');
            }
            line.append(word);
        }
        lines.add(line.toString());
        return lines;
    }
}
