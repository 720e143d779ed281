///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVAC_OPTIONS -encoding UTF-8
//CDS
//JAVA_OPTIONS -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xms8m -Xlog:disable -Xlog:all=warning,cds*=off:stderr
//JAVA_OPTIONS --add-opens java.net.http/jdk.internal.net.http=ALL-UNNAMED
//DEPS commons-cli:commons-cli:1.11.0
//DEPS org.apache.commons:commons-text:1.15.0
//DEPS com.konghq:unirest-java-core:4.10.1
//DEPS org.json:json:20260814
//DEPS com.nimbusds:nimbus-jose-jwt:10.10
//DEPS com.google.crypto.tink:tink:1.18.0
//SOURCES PkceUtil.java CallbackServer.java LocalKeycloak.java
//SOURCES login/AuthorizationRequest.java login/FrontChannel.java login/BrowserSignIn.java login/PasteBack.java
//SOURCES login/DeviceLogin.java login/MachineLogin.java login/AuthorizationResponse.java login/Pages.java login/Hints.java login/IdentityProvider.java
//SOURCES login/ProviderConnection.java login/TokenCheck.java login/IdTokenValidator.java login/Session.java login/TokenCache.java
//SOURCES login/Limits.java login/LoginException.java login/Urls.java
//SOURCES cli/Arguments.java cli/Completion.java cli/Setting.java cli/LoginConfig.java cli/IniFile.java cli/Suggestions.java cli/Demo.java
//SOURCES cli/Cancellation.java cli/AotTraining.java
//SOURCES system/Http.java system/HttpFailures.java system/Tls.java system/CaFile.java system/SelectorStop.java system/Proxies.java
//SOURCES system/Browser.java system/ChildProcess.java system/PrivateFolder.java system/UserFolders.java system/Log.java
//SOURCES system/PortOwner.java

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.json.JSONObject;

/**
 * Gets an access token from OSIsoft Cloud Services (AVEVA Data Hub), or any OpenID Connect provider,
 * with the Authorization Code flow and PKCE (RFC 6749 §4.1, RFC 7636) in the user's browser.
 *
 * <p>This file is the table of contents: {@link #main}, the command line ({@link #run}), and the six
 * steps of OSIsoft's sample ({@link #login}). The access token is the only thing written to stdout,
 * so that {@code TOKEN=$(jbang OcsPkceLogin.java)} works; progress and errors go to stderr.
 */
public final class OcsPkceLogin {

    static final String VERSION = "ocs-pkce-login 2.1.0";

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
     * The command line: the arguments, the config, then the tokens (from the cache, by a refresh, or
     * by signing in) printed to {@code out}; every failure is one line on {@code err}.
     *
     * @return the exit code (see {@link LoginException.Exit})
     */
    static int run(Browser browser, InputStream in, PrintStream out, PrintStream err, String... args) {
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (LoginException e) {
            new Log(err, false, false).error(e.getMessage() + " (see --help)", e);
            return e.exit().code;
        }
        Log log = new Log(err, arguments.verbose(), arguments.quiet());
        switch (arguments.action()) {
            case HELP -> Arguments.printHelp(out);
            case VERSION -> out.println(VERSION + " (Java " + Runtime.version() + ")");
            case COMPLETION -> out.print(Completion.script(arguments.completion().orElseThrow()));
            case STATUS -> {
                try {
                    Session.status(arguments.cache(), arguments.output() == Arguments.Output.JSON, out, log);
                } catch (LoginException e) {
                    log.error(e.getMessage(), e);
                    return e.exit().code;
                }
            }
            default -> {
                return login(arguments, browser, in, out, log);
            }
        }
        out.flush();
        return LoginException.Exit.OK.code;
    }

    /** A run that needs the config: a login (the default, or a machine's with --client-credentials) or --logout. */
    private static int login(Arguments arguments, Browser browser, InputStream in, PrintStream out, Log log) {
        Limits limits = arguments.limits();
        try (Cancellation cancellation = new Cancellation(log);
                Browser chosen = cancellation.closeIfCancelled(arguments.noBrowser() ? Browser.NONE : browser)) {
            LoginConfig config = arguments.demo() ? Demo.config(arguments.overrides())
                    : LoginConfig.find(arguments.configFile(), arguments.overrides(), System.getenv(), Path.of("").toAbsolutePath());
            log.info("Config: " + config.source());
            config.warnings().forEach(log::info);
            ProviderConnection.Opener connect = (arguments.demo() ? Demo.connect(config, limits, log)
                    : ProviderConnection.to(config, limits, log))
                    .checkingSignIn(() -> {
                        if (arguments.signIn() == Arguments.SignIn.BROWSER) {
                            CallbackServer.checkFree(config.redirectUri());
                        }
                    });
            boolean machine = arguments.signIn() == Arguments.SignIn.CLIENT_CREDENTIALS;
            TokenCache.Key key = machine ? TokenCache.Key.forMachine(config) : TokenCache.Key.of(config);
            if (arguments.action() == Arguments.Action.LOGOUT) {
                Session.logout(config, key, arguments.cache(), limits, log, connect);
                return LoginException.Exit.OK.code;
            }
            // A pushed request (RFC 9126) where the provider takes one (renewed when it expires before a person opens its address).
            IdentityProvider.Push push = arguments.noPar() ? IdentityProvider.Push.NEVER : IdentityProvider.Push.WHERE_OFFERED;
            Session.Grant grant = switch (arguments.signIn()) {
                case BROWSER -> (connection, left) -> login(connection, config, new BrowserSignIn(chosen), push, left, log);
                case PASTE -> {
                    PasteBack pasted = PasteBack.from(in); // a closed stdin is said at once, before any call to the provider
                    yield (connection, left) -> login(connection, config, pasted, push, left, log);
                }
                case DEVICE -> (connection, left) -> DeviceLogin.login(connection, config, chosen, left, log);
                case CLIENT_CREDENTIALS -> {
                    char[] secret = MachineLogin.secret(config, System.getenv()); // a missing or unsafe secret is said at once
                    yield (connection, left) -> MachineLogin.login(connection, config, secret.clone(), log);
                }
            };
            JSONObject tokens = Session.tokens(config, key, arguments.cache(), limits, log, connect, grant);
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

    /**
     * The six steps of Authorization Code + PKCE, with steps 2 to 4 done by {@code frontChannel} (the
     * browser and the callback server, or --paste); {@code push} says where the request is pushed first.
     *
     * @return the token response (RFC 6749 §5.1), plus {@code id_token_claims} when an ID token came back and passed validation
     */
    static JSONObject login(ProviderConnection connection, LoginConfig config, FrontChannel frontChannel, IdentityProvider.Push push,
            Limits limits, Log log) throws LoginException {
        // Step 1, the connection's: the provider's configuration, from its discovery document (fetched once a run);
        // what it says that would make the sign-in fail is said now, before anyone signs in.
        IdentityProvider provider = connection.provider();
        boolean pushed = provider.pushes(push);
        connection.check().idTokensCanBeChecked();

        // The single-use secrets of this login: code_verifier (RFC 7636 §4.1), state and nonce.
        AuthorizationRequest request = AuthorizationRequest.create(config);

        // Steps 2, 3 and 4: the redirect URI, the browser sent to the provider (the request pushed there
        // first where the provider takes it, RFC 9126), and the code that comes back.
        FrontChannel.AuthorizationUrl url = redirectUri -> provider.authorizationUrl(connection.http(), request, redirectUri, pushed, log);
        FrontChannel.AuthorizationCode authorization;
        try {
            authorization = frontChannel.authorize(provider, request, url, config.redirectUri(), limits.callbackTimeout(), log);
        } catch (LoginException.AuthorizationError e) {
            throw Hints.withoutPushedRequest(e, provider, pushed);
        }
        log.detail("code " + Log.mask(authorization.code()));

        // Step 5: the code and the code_verifier, for the tokens; checked (the ID token and its nonce) before use.
        log.step(5, "Exchanging the code and code_verifier at " + provider.tokenEndpoint());
        JSONObject tokens = provider.exchangeCode(connection.http(), config.clientId(), authorization.code(), request.codeVerifier(),
                authorization.redirectUri());
        JSONObject checked = connection.check().ofLogin(tokens, request.nonce(), log);

        // Step 6: the access token, for stdout.
        log.step(6, "Got an access token" + TokenCheck.validFor(checked) + "; it goes to stdout");
        return checked;
    }
}
