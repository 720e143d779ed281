///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//CDS
//JAVA_OPTIONS -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xms8m -Xlog:disable -Xlog:all=warning,cds*=off:stderr
//JAVA_OPTIONS --add-opens java.net.http/jdk.internal.net.http=ALL-UNNAMED
//DEPS commons-cli:commons-cli:1.11.0
//DEPS org.apache.commons:commons-text:1.15.0
//DEPS com.konghq:unirest-java-core:4.10.1
//DEPS org.json:json:20260814
//DEPS com.nimbusds:nimbus-jose-jwt:10.10
//DEPS com.google.crypto.tink:tink:1.18.0
//SOURCES Arguments.java Log.java PkceUtil.java AuthorizationRequest.java CallbackServer.java AuthorizationResponse.java Pages.java
//SOURCES IdentityProvider.java IdTokenValidator.java Http.java Tls.java Proxies.java Urls.java LoginConfig.java LoginException.java Browser.java
//SOURCES Demo.java LocalKeycloak.java PrivateFolder.java UserFolders.java Cancellation.java Session.java TokenCache.java AotTraining.java
//SOURCES PasteBack.java DeviceLogin.java

import com.nimbusds.jwt.JWTClaimsSet;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.json.JSONObject;

/**
 * Gets an access token from OSIsoft Cloud Services (AVEVA Data Hub), or any OpenID Connect provider,
 * with the Authorization Code flow and PKCE (RFC 6749 §4.1, RFC 7636) in the user's browser.
 *
 * <p>{@link #login} is the whole flow, in the six steps of OSIsoft's sample. The access token is the
 * only thing written to stdout, so that {@code TOKEN=$(jbang OcsPkceLogin.java)} works; progress and
 * errors go to stderr.
 */
public final class OcsPkceLogin {

    static final String VERSION = "ocs-pkce-login 2.0.0";

    /** The time limits of one login. */
    record Limits(Duration callbackTimeout, Duration connectTimeout, Duration readTimeout) {
    }

    private OcsPkceLogin() {
    }

    public static void main(String... args) {
        int exitCode = run(Browser.system(), System.in, System.out, System.err, args);
        if (Boolean.getBoolean("ocs.aot.training")) { // set by ./jbang on a run that trains its AOT cache (or CDS archive)
            AotTraining.walkTheOtherPaths(); // the cache then holds every path, whatever this run was
        }
        System.exit(exitCode);
    }

    /**
     * The six steps of Authorization Code + PKCE.
     *
     * @return the token response (RFC 6749 §5.1), plus {@code id_token_claims} when an ID token came back and passed validation
     */
    public static JSONObject login(LoginConfig config, Browser browser, Limits limits, Log log) throws LoginException {
        return login(config, FrontChannel.browser(browser), limits, log);
    }

    /** The six steps, with steps 2 to 4 done by {@code frontChannel} (the browser and the callback server, or --paste). */
    public static JSONObject login(LoginConfig config, FrontChannel frontChannel, Limits limits, Log log) throws LoginException {
        // The single-use secrets of this login: code_verifier (RFC 7636 §4.1), state and nonce.
        AuthorizationRequest request = AuthorizationRequest.create(config);
        try (Http http = new Http(limits.connectTimeout(), limits.readTimeout(), config.caFile())) {

            log.step(1, "Fetching the provider's configuration from " + IdentityProvider.discoveryUrl(config.authority()));
            IdentityProvider provider = IdentityProvider.discover(config.authority(), http);
            log.detail("authorization_endpoint " + provider.authorizationEndpoint() + ", token_endpoint " + provider.tokenEndpoint());

            // While the user signs in, the ID token's checker gets ready: Nimbus loaded, the provider's keys fetched.
            CompletableFuture<IdTokenValidator> validator = IdTokenValidator.readiedMeanwhile(provider, config, http);

            // Steps 2, 3 and 4: the callback server, the browser, and the code that comes back.
            AuthorizationCode authorization;
            try {
                authorization = frontChannel.authorize(provider, request, config.redirectUri(), limits.callbackTimeout(), log);
            } catch (LoginException.AuthorizationError e) {
                throw "invalid_scope".equals(e.error()) ? e.because(scopesSent(config)) : e;
            }
            log.detail("code " + Log.mask(authorization.code()));

            log.step(5, "Exchanging the code and code_verifier at " + provider.tokenEndpoint());
            JSONObject tokens = provider.exchangeCode(http, config.clientId(), authorization.code(), request.codeVerifier(),
                    authorization.redirectUri());
            validateIdToken(tokens, config, validator.join(), request.nonce(), log);

            log.step(6, "Got an access token" + IdentityProvider.validFor(tokens) + "; it goes to stdout");
            return tokens;
        }
    }

    /**
     * The ID token check of OpenID Connect Core §3.1.3.7. With {@code openid} in the scope an ID token
     * is required (§3.1.3.3); {@code id_token_claims} in the result is only ever what passed here.
     * {@code nonce} is null for the device flow, which sends none.
     */
    static void validateIdToken(JSONObject tokens, LoginConfig config, IdTokenValidator validator, String nonce, Log log)
            throws LoginException {
        tokens.remove("id_token_claims"); // a provider's field of that name is not ours to pass on
        Object idToken = tokens.opt("id_token");
        if (idToken == null && !config.scopes().contains("openid")) {
            return;
        }
        if (!(idToken instanceof String jwt)) {
            throw new LoginException(LoginException.Exit.PROVIDER_INVALID, "The token endpoint answered "
                    + (idToken == null ? "without an id_token" : "with an id_token that is not a string")
                    + " although the scope has openid (OpenID Connect Core §3.1.3.3)");
        }
        JWTClaimsSet claims = validator.validate(jwt, nonce);
        tokens.put("id_token_claims", new JSONObject(claims.toJSONObject()));
        log.detail("ID token valid: sub " + Log.printable(claims.getSubject(), 80) + ", expires " + claims.getExpirationTime().toInstant());
    }

    /** What invalid_scope needs to be understood: the scopes that were asked for, and where they came from. */
    static String scopesSent(LoginConfig config) {
        return "the scopes sent were '" + config.scope() + "' (" + config.scopeSource() + "); set Scope in config.ini or --scope"
                + " to scopes this provider offers";
    }

    /** The authorization code, and the redirect URI it was delivered to (the token request must repeat it, RFC 6749 §4.1.3). */
    record AuthorizationCode(String code, URI redirectUri) {
        @Override
        public String toString() {
            return "AuthorizationCode[code=(hidden), redirectUri=" + redirectUri + "]";
        }
    }

    /** Steps 2 to 4, the front channel: how the authorization code reaches this program. */
    @FunctionalInterface
    interface FrontChannel {
        AuthorizationCode authorize(IdentityProvider provider, AuthorizationRequest request, URI redirectUri, Duration timeout, Log log)
                throws LoginException;

        /** The callback server, and {@code browser} sent to the provider. */
        static FrontChannel browser(Browser browser) {
            return (provider, request, redirectUri, timeout, log) -> OcsPkceLogin.authorize(provider, request, redirectUri, browser, timeout, log);
        }
    }

    /** Steps 2 to 4 with a browser: listen on the redirect URI, send the browser to the provider, wait for the code. */
    static AuthorizationCode authorize(IdentityProvider provider, AuthorizationRequest request, URI redirectUri, Browser browser,
            Duration timeout, Log log) throws LoginException {
        try (CallbackServer server = CallbackServer.start(redirectUri,
                new AuthorizationResponse.Expected(request.state(), provider.issuer(), provider.issParameterSupported()))) {
            log.step(2, "Listening for the redirect on " + server.redirectUri());

            URI authorizationUrl = request.toUri(provider.authorizationEndpoint(), server.redirectUri());
            if (browser == Browser.NONE) {
                log.step(3, "Open this URL in a browser to sign in:");
                log.info(authorizationUrl.toString());
            } else {
                log.step(3, "Opening the browser to sign in; if it does not open, open this URL yourself:");
                log.info(authorizationUrl.toString());
                try {
                    browser.open(authorizationUrl);
                } catch (Exception e) {
                    int port = server.redirectUri().getPort();
                    log.info("No browser could be opened (" + e.getMessage() + "). Open the URL above in a browser on this"
                            + " machine, or run again with --device (sign in on another device with a code) or --paste (sign in"
                            + " anywhere, then paste the address the browser ended at); for a browser on another machine, forward"
                            + " the port first: ssh -L " + port + ":localhost:" + port + " THIS-HOST. Waiting meanwhile.");
                }
            }

            log.step(4, "Waiting up to " + timeout.toSeconds() + " s for the authorization code...");
            return new AuthorizationCode(server.awaitCode(timeout), server.redirectUri());
        }
    }

    /**
     * The command line: parses {@code args}, runs the login (or --demo, --help, --version), and prints
     * the result to {@code out}; every failure is one line on {@code err}.
     *
     * @return the exit code
     */
    static int run(Browser browser, InputStream in, PrintStream out, PrintStream err, String... args) {
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (LoginException e) {
            new Log(err, false, false).error(e.getMessage() + " (see --help)", e);
            return e.exit().code;
        }
        if (arguments.help() || arguments.version()) {
            if (arguments.help()) {
                Arguments.printHelp(out);
            } else {
                out.println(VERSION + " (Java " + Runtime.version() + ")");
            }
            return LoginException.Exit.OK.code;
        }
        Log log = new Log(err, arguments.verbose(), arguments.quiet());
        try (Cancellation cancellation = new Cancellation(log);
                Browser chosen = cancellation.closeIfCancelled(arguments.noBrowser() ? Browser.NONE : browser)) {
            LoginConfig config;
            Session.Provider provider;
            if (arguments.demo()) {
                config = Demo.config(arguments.overrides());
                provider = () -> cancellation.closeIfCancelled(Demo.start(config, log))::close;
            } else {
                config = LoginConfig.find(arguments.configFile(), arguments.overrides(), System.getenv(), Path.of("").toAbsolutePath());
                provider = Session.Provider.ELSEWHERE;
            }
            if (arguments.logout()) {
                Session.logout(config, arguments.cache(), arguments.limits(), log, provider);
                return LoginException.Exit.OK.code;
            }
            Session.SignIn signIn = arguments.device() ? () -> DeviceLogin.login(config, chosen, arguments.limits(), log)
                    : arguments.paste() ? () -> login(config, PasteBack.from(in), arguments.limits(), log)
                    : () -> login(config, chosen, arguments.limits(), log);
            JSONObject tokens = Session.tokens(config, arguments.cache(), arguments.limits(), log, provider, signIn);
            out.println(arguments.output() == Arguments.Output.JSON ? Log.printableJson(tokens.toString(2)) : tokens.getString("access_token"));
            out.flush();
            return LoginException.Exit.OK.code;
        } catch (LoginException e) {
            log.error(e.getMessage(), e);
            return e.exit().code;
        } catch (RuntimeException e) {
            log.error("unexpected " + e + (arguments.verbose() ? "" : " (run with --verbose for details)"), e);
            return LoginException.Exit.INTERNAL.code;
        }
    }
}
