///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//CDS
//JAVA_OPTIONS -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xms8m -Xlog:disable -Xlog:all=warning,cds*=off:stderr
//DEPS info.picocli:picocli:4.7.7
//DEPS com.konghq:unirest-java-core:4.10.1
//DEPS org.json:json:20260814
//DEPS com.nimbusds:nimbus-jose-jwt:10.10
//SOURCES PkceUtil.java CallbackServer.java AuthorizationRequest.java IdentityProvider.java IdTokenValidator.java
//SOURCES Http.java LoginConfig.java LoginException.java Browser.java LocalKeycloak.java

import com.nimbusds.jwt.JWTClaimsSet;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.json.JSONObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Gets an access token from OSIsoft Cloud Services (AVEVA Data Hub), or any OpenID Connect provider,
 * with the Authorization Code flow and PKCE (RFC 6749 §4.1, RFC 7636) in the user's browser.
 *
 * <p>{@link #login} is the whole flow, in the six steps of OSIsoft's sample. The access token is the
 * only thing written to stdout, so that {@code TOKEN=$(jbang OcsPkceLogin.java)} works; progress and
 * errors go to stderr.
 */
@Command(name = "ocs-login", mixinStandardHelpOptions = true, version = "ocs-pkce-login 1.0.0",
        sortOptions = false, usageHelpAutoWidth = true, exitCodeListHeading = "%nExit codes:%n",
        description = {"Gets an access token from OSIsoft Cloud Services (AVEVA Data Hub) or any OpenID Connect "
                + "provider, by Authorization Code + PKCE in your browser.",
                "The token is printed to stdout; progress and errors go to stderr.", ""})
public final class OcsPkceLogin implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "INI file with a [Configuration] section (default: config.ini)")
    Path config;

    @Option(names = "--resource", paramLabel = "URL", description = "OCS address; the issuer is then {Resource}/identity")
    String resource;

    @Option(names = "--tenant-id", paramLabel = "ID", description = "OCS tenant, sent as acr_values=tenant:{ID}")
    String tenantId;

    @Option(names = "--client-id", paramLabel = "ID", description = "The client registered for Authorization Code + PKCE")
    String clientId;

    @Option(names = "--authority", paramLabel = "URL", description = "The issuer of another OpenID Connect provider")
    String authority;

    @Option(names = "--scope", paramLabel = "SCOPES", description = "Space-separated scopes (default: openid ocsapi)")
    String scope;

    @Option(names = "--redirect-uri", paramLabel = "URL", description = "Loopback redirect URI (default: http://localhost:5004/callback.html)")
    String redirectUri;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300", description = "How long to wait for the browser (default: ${DEFAULT-VALUE})")
    long timeoutSeconds;

    @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "10", description = "Connect timeout for each call to the provider (default: ${DEFAULT-VALUE})")
    long connectTimeoutSeconds;

    @Option(names = "--read-timeout", paramLabel = "SECONDS", defaultValue = "30", description = "Time limit for each whole answer of the provider (default: ${DEFAULT-VALUE})")
    long readTimeoutSeconds;

    @Option(names = "--no-browser", description = "Do not open a browser; only print the URL to open")
    boolean noBrowser;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "token", description = "token: the access token alone (default); json: the token response with the validated ID token claims")
    Output output;

    @Option(names = "--demo", description = "Log in to a local Keycloak that stands in for OCS (started, and stopped afterwards, by this command)")
    boolean demo;

    @Option(names = {"-v", "--verbose"}, description = "Print details, and stack traces on errors (secrets stay masked)")
    boolean verbose;

    @Spec
    CommandSpec spec;

    enum Output { token, json }

    /** The time limits of one login. */
    record Limits(Duration callbackTimeout, Duration connectTimeout, Duration readTimeout) {
    }

    private final Browser browser;

    /** The command line: the system browser, or none with --no-browser. */
    public OcsPkceLogin() {
        this(null);
    }

    /** With another browser, as the tests do with Selenium. */
    public OcsPkceLogin(Browser browser) {
        this.browser = browser;
    }

    public static void main(String... args) {
        System.exit(commandLine(new OcsPkceLogin()).execute(args));
    }

    /**
     * The six steps of Authorization Code + PKCE.
     *
     * @return the token response (RFC 6749 §5.1), plus {@code id_token_claims} when an ID token came back and passed validation
     */
    public static JSONObject login(LoginConfig config, Browser browser, Limits limits, Log log) throws LoginException {
        // The single-use secrets of this login: code_verifier (RFC 7636 §4.1), state and nonce.
        AuthorizationRequest request = AuthorizationRequest.create(config);
        try (Http http = new Http(limits.connectTimeout(), limits.readTimeout())) {

            log.step(1, "Fetching the provider's configuration from " + IdentityProvider.discoveryUrl(config.authority()));
            IdentityProvider provider = IdentityProvider.discover(config.authority(), http);
            log.detail("authorization_endpoint " + provider.authorizationEndpoint() + ", token_endpoint " + provider.tokenEndpoint());

            log.step(2, "Listening for the redirect on " + config.redirectUri());
            String code;
            try (CallbackServer server = CallbackServer.start(config.redirectUri(),
                    new CallbackServer.Expected(request.state(), provider.issuer(), provider.issParameterSupported()))) {

                URI authorizationUrl = request.toUri(provider.authorizationEndpoint());
                log.step(3, "Opening the browser to sign in; if it does not open, open this URL yourself:");
                log.info(authorizationUrl.toString());
                try {
                    browser.open(authorizationUrl);
                } catch (Exception e) {
                    log.info("Could not open a browser (" + e.getMessage() + "): open the URL above by hand.");
                }

                log.step(4, "Waiting up to " + limits.callbackTimeout().toSeconds() + " s for the authorization code...");
                code = server.awaitCode(limits.callbackTimeout());
            }
            log.detail("code " + Log.mask(code));

            log.step(5, "Exchanging the code and code_verifier at " + provider.tokenEndpoint());
            JSONObject tokens = provider.exchangeCode(http, config.clientId(), code, request.codeVerifier(), config.redirectUri());
            if (tokens.opt("id_token") instanceof String idToken) {
                JWTClaimsSet claims = IdTokenValidator.forProvider(provider, config.clientId(), http).validate(idToken, request.nonce());
                tokens.put("id_token_claims", new JSONObject(claims.toJSONObject()));
                log.detail("ID token valid: sub " + claims.getSubject() + ", expires " + claims.getExpirationTime().toInstant());
            }

            log.step(6, "Got an access token" + (tokens.has("expires_in") ? " valid for " + tokens.opt("expires_in") + " s" : "")
                    + "; it goes to stdout");
            return tokens;
        }
    }

    @Override
    public Integer call() throws LoginException {
        Log log = new Log(spec.commandLine().getErr(), verbose);
        Limits limits = new Limits(seconds(timeoutSeconds, "--timeout"), seconds(connectTimeoutSeconds, "--connect-timeout"),
                seconds(readTimeoutSeconds, "--read-timeout"));
        Browser chosen = browser != null ? browser : noBrowser ? Browser.NONE : Browser.system();
        JSONObject tokens = demo
                ? demoLogin(chosen, limits, log)
                : login(LoginConfig.load(config != null ? config : Path.of("config.ini"), config == null, overrides()), chosen, limits, log);
        PrintWriter out = spec.commandLine().getOut();
        out.println(output == Output.json ? tokens.toString(2) : tokens.getString("access_token"));
        out.flush();
        return LoginException.Exit.OK.code;
    }

    /** --demo: the same login against the local Keycloak, started for it (and stopped after it) unless it already runs. */
    private JSONObject demoLogin(Browser browser, Limits limits, Log log) throws LoginException {
        Map<String, Map<String, String>> demoIni = LocalKeycloak.demoIni();
        LoginConfig demoConfig = LoginConfig.fromSection("demo.ini (built in)", demoIni.get(LoginConfig.SECTION), overrides());
        try (LocalKeycloak keycloak = LocalKeycloak.ensureRunning(demoConfig.authority(), log::info)) {
            Map<String, String> user = demoIni.get("Test");
            log.info("Demo: a local Keycloak stands in for OCS. Sign in as '" + user.get("username")
                    + "' with the password '" + user.get("password") + "'.");
            return login(demoConfig, browser, limits, log);
        }
    }

    /** Command-line values, keyed like config.ini, so that they override it. */
    private Map<String, String> overrides() {
        Map<String, String> overrides = new LinkedHashMap<>();
        putIfSet(overrides, "Resource", resource);
        putIfSet(overrides, "TenantId", tenantId);
        putIfSet(overrides, "ClientId", clientId);
        putIfSet(overrides, "Authority", authority);
        putIfSet(overrides, "Scope", scope);
        putIfSet(overrides, "RedirectUri", redirectUri);
        return overrides;
    }

    private static void putIfSet(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private Duration seconds(long value, String option) {
        if (value < 1 || value > 86_400) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " must be between 1 and 86400 seconds, not " + value);
        }
        return Duration.ofSeconds(value);
    }

    /** The command line with its error handling: one line per failure, a stack trace only with --verbose. */
    public static CommandLine commandLine(OcsPkceLogin app) {
        CommandLine commandLine = new CommandLine(app).setCaseInsensitiveEnumValuesAllowed(true);
        Map<String, String> exitCodes = new LinkedHashMap<>();
        for (LoginException.Exit exit : LoginException.Exit.values()) {
            exitCodes.put((exit.code < 10 ? "  " : " ") + exit.code, exit.meaning);
        }
        commandLine.getCommandSpec().usageMessage().exitCodeList(exitCodes);
        commandLine.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println("error: " + e.getMessage() + " (see --help)");
            return LoginException.Exit.USAGE.code;
        });
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            LoginException.Exit exit = e instanceof LoginException failure ? failure.exit() : LoginException.Exit.INTERNAL;
            err.println("error: " + (e instanceof LoginException ? e.getMessage()
                    : "unexpected " + e + (app.verbose ? "" : " (run with --verbose for details)")));
            if (app.verbose) {
                e.printStackTrace(err);
            }
            err.flush();
            return exit.code;
        });
        return commandLine;
    }

    /** Progress for people, on stderr: the six steps, and details with --verbose. Secrets are never printed. */
    public static final class Log {
        private final PrintWriter err;
        private final boolean verbose;

        public Log(PrintWriter err, boolean verbose) {
            this.err = err;
            this.verbose = verbose;
        }

        void step(int number, String text) {
            info("Step " + number + ": " + text);
        }

        void info(String text) {
            err.println(text);
            err.flush();
        }

        void detail(String text) {
            if (verbose) {
                info("  " + text);
            }
        }

        /** What --verbose shows of a secret: that it is there, not what it is. */
        static String mask(String secret) {
            return "(" + secret.length() + " characters, hidden)";
        }
    }
}
