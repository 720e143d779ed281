import java.util.concurrent.CompletableFuture;

/**
 * The provider as one run talks to it: the HTTP client (with the run's limits, proxies and CAs) and
 * the discovery document, fetched once (step 1), with the ID token check made ready meanwhile. Only
 * a run that needs the network opens one; a cache hit never does.
 */
final class ProviderConnection implements AutoCloseable {

    /** How a run opens its connection, when it first needs one: discovery, after whatever must come first (the demo's Keycloak). */
    @FunctionalInterface
    interface Opener {
        ProviderConnection open() throws LoginException;

        /** What a sign-in needs and can be checked at once (the redirect URI's port is free), before anything slow. */
        default void checkSignIn() throws LoginException {
        }

        /** This opener, with {@code check} before a sign-in. */
        default Opener checkingSignIn(Check check) {
            Opener opener = this;
            return new Opener() {
                @Override
                public ProviderConnection open() throws LoginException {
                    return opener.open();
                }

                @Override
                public void checkSignIn() throws LoginException {
                    check.run();
                    opener.checkSignIn();
                }
            };
        }
    }

    /** A check that may fail. */
    @FunctionalInterface
    interface Check {
        void run() throws LoginException;
    }

    private final LoginConfig config;
    private final Http http;
    private final IdentityProvider provider;
    private final CompletableFuture<IdTokenValidator> validator;

    private ProviderConnection(LoginConfig config, Http http, IdentityProvider provider, CompletableFuture<IdTokenValidator> validator) {
        this.config = config;
        this.http = http;
        this.provider = provider;
        this.validator = validator;
    }

    /** Step 1: the HTTP client for {@code config}, and the provider's discovery document, fetched and checked. */
    static ProviderConnection open(LoginConfig config, Limits limits, Log log) throws LoginException {
        Http http = new Http(limits.connectTimeout(), limits.readTimeout(), config.caFile());
        try {
            log.step(1, "Fetching the provider's configuration from " + Urls.discoveryUrl(config.authority()));
            IdentityProvider provider = IdentityProvider.discover(config, http);
            log.detail("authorization_endpoint " + provider.authorizationEndpoint() + ", token_endpoint " + provider.tokenEndpoint());
            // While the user signs in, the ID token's checker gets ready: Nimbus loaded, the provider's keys fetched.
            return new ProviderConnection(config, http, provider, IdTokenValidator.readiedMeanwhile(provider, config, http));
        } catch (LoginException | RuntimeException e) {
            http.close();
            throw e;
        }
    }

    /** The opener of a connection to {@code config}'s provider. */
    static Opener to(LoginConfig config, Limits limits, Log log) {
        return () -> open(config, limits, log);
    }

    IdentityProvider provider() {
        return provider;
    }

    Http http() {
        return http;
    }

    /** The one check of every token response of this run: the login's, the device code's, the refresh's. */
    TokenCheck check() {
        return new TokenCheck(config, provider, validator::join);
    }

    @Override
    public void close() {
        http.close();
    }
}
