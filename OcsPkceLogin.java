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
//SOURCES api/ApiCall.java api/ApiFailure.java api/ApiRequest.java
//SOURCES cli/Api.java cli/AotTraining.java cli/Arguments.java cli/Cancellation.java cli/ClientSecret.java cli/Completion.java cli/ConfigFiles.java
//SOURCES cli/Demo.java cli/Exec.java cli/Overrides.java cli/Setting.java cli/Status.java cli/Suggestions.java
//SOURCES login/AuthorizationRequest.java login/AuthorizationResponse.java login/BrowserSignIn.java login/ClientAuthentication.java
//SOURCES login/DeviceLogin.java login/Endpoint.java login/FrontChannel.java login/Hints.java login/IdTokenValidator.java
//SOURCES login/IdentityProvider.java login/KeptInKeychain.java login/Limits.java login/Listening.java login/LoginConfig.java login/LoginException.java
//SOURCES login/MachineLogin.java
//SOURCES login/Pages.java login/PasteBack.java login/ProviderConnection.java login/Session.java login/TokenCache.java
//SOURCES login/TokenCheck.java login/TokenResponse.java login/Training.java
//SOURCES system/Browser.java system/BrowserLauncher.java system/CaFile.java system/ChildProcess.java system/Html.java system/Http.java system/HttpFailure.java
//SOURCES system/HttpFailures.java system/IniFile.java system/Keychain.java system/Log.java system/MacKeychain.java system/PortOwner.java system/PrivateFolder.java
//SOURCES system/Proxies.java system/SecretServiceKeychain.java system/SelectorStop.java system/Terminal.java system/Tls.java system/Urls.java system/UserFolders.java system/WindowsKeychain.java

package cli;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import login.AuthorizationRequest;
import login.BrowserSignIn;
import login.ClientAuthentication;
import login.DeviceLogin;
import login.FrontChannel;
import login.IdentityProvider;
import login.Limits;
import login.LoginConfig;
import login.LoginException;
import login.MachineLogin;
import login.PasteBack;
import login.ProviderConnection;
import login.Session;
import login.TokenCache;
import login.TokenResponse;
import system.Browser;
import system.Log;

/**
 * Gets an access token from OSIsoft Cloud Services (AVEVA Data Hub), or any OpenID Connect provider,
 * with the Authorization Code flow and PKCE (RFC 6749 §4.1, RFC 7636) in the user's browser.
 *
 * <p>This file is the table of contents: {@link #main}, the command line ({@link #run}), and the six
 * steps of OSIsoft's sample ({@link #signIn}). The access token is the only thing written to stdout,
 * so that {@code TOKEN=$(jbang OcsPkceLogin.java)} works; progress and errors go to stderr. It is the
 * entry of the {@code cli} package, kept at the top of the repository to be read first.
 */
public final class OcsPkceLogin {

    static final String VERSION = "ocs-pkce-login 2.1.0";

    private OcsPkceLogin() {
    }

    public static void main(String... args) {
        int exitCode = run(Browser.system(), PasteBack::standardInput, System.out, System.err, args);
        if (Boolean.getBoolean("ocs.aot.training")) { // set by ./jbang on a run that trains its AOT cache (or CDS archive)
            AotTraining.walkTheOtherPaths(); // the cache then holds every path, whatever this run was
        }
        System.exit(exitCode);
    }

    /**
     * The command line: the arguments, the config, then the tokens (from the cache, by a refresh, or
     * by signing in) printed to {@code out}; every failure is one line on {@code err}. {@code paste}
     * is where --paste reads.
     *
     * @return the exit code (see {@link LoginException.Exit})
     */
    public static int run(Browser browser, PasteBack.Input paste, PrintStream out, PrintStream err, String... args) {
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (LoginException e) {
            new Log(err, false, false).error(e.getMessage() + " (see --help)", e);
            return e.exit().code;
        }
        Log log = new Log(err, arguments.verbose(), arguments.quiet());
        try {
            int exitCode = LoginException.Exit.OK.code;
            switch (arguments.action()) {
                case HELP -> Arguments.printHelp(out);
                case VERSION -> out.println(VERSION + " (Java " + Runtime.version() + ")");
                case COMPLETION -> out.print(Completion.script(arguments.completion().orElseThrow()));
                case STATUS -> Status.print(arguments, out, log);
                default -> exitCode = withConfig(arguments, browser, paste, out, log);
            }
            out.flush();
            return exitCode;
        } catch (LoginException e) {
            log.error(e.getMessage(), e);
            return e.exit().code;
        } catch (RuntimeException e) {
            log.error("unexpected " + e + (arguments.verbose() ? "" : " (run with --verbose for details)"), e);
            return LoginException.Exit.INTERNAL.code;
        }
    }

    /**
     * A run that needs the config: a login (the default, or a machine's with --client-credentials), and
     * what uses its token (exec, api); or --logout, or the client secret's keychain commands.
     *
     * @return the exit code: exec's command's, or OK
     */
    private static int withConfig(Arguments arguments, Browser browser, PasteBack.Input paste, PrintStream out, Log log)
            throws LoginException {
        Limits limits = arguments.limits();
        try (Cancellation cancellation = new Cancellation(log)) {
            LoginConfig found = arguments.demo() ? Demo.config(arguments.overrides())
                    : ConfigFiles.find(arguments.configFile(), arguments.overrides(), System.getenv(), Path.of("").toAbsolutePath(),
                            arguments.profile());
            log.info("Config: " + found.source());
            found.warnings().forEach(log::info);
            switch (arguments.action()) {
                case STORE_CLIENT_SECRET -> {
                    ClientSecret.store(found, paste.open(), arguments.cache().keychain().get(), log);
                    return LoginException.Exit.OK.code;
                }
                case FORGET_CLIENT_SECRET -> {
                    ClientSecret.forget(found, arguments.cache().keychain().get(), log);
                    return LoginException.Exit.OK.code;
                }
                default -> {
                    // a login or --logout, below
                }
            }
            // The browser: the Browser setting's command, else $BROWSER's, else the system's; its launch page goes when the run ends
            try (Browser chosen = cancellation.closeIfCancelled(arguments.noBrowser() ? Browser.NONE : browser.withCommand(found.browser()))) {
                boolean machine = arguments.signIn() == Arguments.SignIn.CLIENT_CREDENTIALS;
                // The client: confidential when a secret is configured (a machine must have one), else public; said at once.
                ClientAuthentication client = ClientSecret.of(found, System.getenv(), machine, arguments.cache().keychain());
                LoginConfig config = found.forClient(client); // OCS's default scope asks a Hybrid client's refresh token
                // api's request made ready first: a mistake in it (no ApiBase, another origin) is said before any sign-in
                Optional<Api.Ready> api = arguments.action() == Arguments.Action.API
                        ? Optional.of(Api.prepare(arguments.api().orElseThrow(), config)) : Optional.empty();
                ProviderConnection.Opener connect = arguments.demo() ? Demo.connect(config, client, limits, log)
                        : ProviderConnection.to(config, client, limits, log);
                TokenCache.Key key = machine ? TokenCache.Key.forMachine(config) : TokenCache.Key.of(config);
                if (arguments.action() == Arguments.Action.LOGOUT) {
                    Session.logout(config, key, arguments.cache(), limits, log, connect);
                    return LoginException.Exit.OK.code;
                }
                IdentityProvider.Push push = arguments.noPar() ? IdentityProvider.Push.NEVER : IdentityProvider.Push.WHERE_OFFERED;
                Session.Grant grant = switch (arguments.signIn()) {
                    case BROWSER -> (opener, left) -> signIn(opener, config, new BrowserSignIn(chosen), push, left, log);
                    case PASTE -> {
                        PasteBack pasted = paste.open(); // a closed stdin is said at once, before any call to the provider
                        yield (opener, left) -> signIn(opener, config, pasted, push, left, log);
                    }
                    case DEVICE -> (opener, left) -> DeviceLogin.login(opener.open(), config, chosen, left, log);
                    case CLIENT_CREDENTIALS -> (opener, left) -> MachineLogin.login(opener.open(), config, log);
                };
                Session.Tokens tokens = Session.tokens(config, key, client, arguments.cache(), limits, log, connect, grant);
                switch (arguments.action()) {
                    case EXEC -> {
                        return Exec.run(arguments.command(), tokens.response().accessToken(), log);
                    }
                    case API -> Api.call(api.orElseThrow(), config, tokens, limits, out, log,
                            refused -> Session.tokens(config, key, client, arguments.cache().refusing(refused), limits, log, connect, grant));
                    default -> out.println(switch (arguments.output()) {
                        case JSON -> Log.printableJson(tokens.response().toJson(Instant.now()).toString(2));
                        case HEADER -> "Authorization: Bearer " + tokens.response().accessToken();
                        case TOKEN -> tokens.response().accessToken();
                    });
                }
                return LoginException.Exit.OK.code;
            }
        }
    }

    /**
     * The six steps of Authorization Code + PKCE, with steps 2 to 4 done by {@code frontChannel} (the
     * browser and the callback server, or --paste); {@code push} says where the request is pushed first.
     *
     * @return the token response (RFC 6749 §5.1), its ID token's claims beside it once they passed validation
     */
    static TokenResponse signIn(ProviderConnection.Opener connect, LoginConfig config, FrontChannel frontChannel,
            IdentityProvider.Push push, Limits limits, Log log) throws LoginException {
        // Step 2 first of all, so that a port another program holds is said before anything slow (the
        // demo's Keycloak): the redirect URI, listened on; one address for the request and the exchange.
        try (FrontChannel.Receiver receiver = frontChannel.listen(config.redirectUri())) {
            URI redirectUri = receiver.redirectUri();

            // Step 1: the provider's configuration, from its discovery document (fetched once a run);
            // what it says that would make the sign-in fail is said now, before anyone signs in.
            ProviderConnection connection = connect.open();
            IdentityProvider provider = connection.provider();
            boolean pushed = provider.pushes(push);
            connection.idTokensCanBeChecked();

            // The single-use secrets of this login: code_verifier (RFC 7636 §4.1), state and nonce.
            AuthorizationRequest request = AuthorizationRequest.create(config);

            // Steps 3 and 4: the browser sent to the provider (the request pushed there first where the
            // provider takes it, RFC 9126), and the code that comes back to the redirect URI.
            String code = receiver.awaitCode(provider, request, () -> connection.authorizationUrl(request, redirectUri, pushed, log),
                    limits.callbackTimeout(), log);
            log.detail("code " + Log.mask(code));

            // Step 5: the code and the code_verifier, for the tokens; checked (the ID token and its nonce) before use.
            log.step(5, "Exchanging the code and code_verifier at " + provider.tokenEndpoint());
            TokenResponse tokens = connection.exchange(code, request, redirectUri, log);

            // Step 6: the access token, for stdout.
            log.step(6, "Got an access token" + tokens.validFor() + "; it goes to stdout");
            return tokens;
        }
    }
}
