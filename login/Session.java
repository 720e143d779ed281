package login;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import system.Keychain;
import system.Log;

/**
 * Sign in once: what a run does with the {@link TokenCache}, as kubelogin's authentication does. A
 * cached access token with enough time left is the answer, with no network call at all. Otherwise
 * the provider is discovered, once, and an older token is refreshed silently (RFC 6749 §6); only
 * when there is no refresh token, or the provider refuses it, does the grant (the browser, --paste,
 * --device) run, on the same connection. {@code --logout} revokes the refresh token (RFC 7009).
 */
public final class Session {

    /** How long a cached access token must still be valid to be used, unless --min-validity says otherwise. */
    public static final Duration DEFAULT_MIN_VALIDITY = Duration.ofSeconds(60);

    /**
     * How the cache is used in one run: {@code --cache-dir}, {@code --min-validity}, {@code --force-login},
     * {@code --no-cache}; and the keychain, for an entry kept there (TokenStore = keychain).
     */
    public record CacheOptions(Optional<Path> folder, Duration minValidity, boolean forceLogin, boolean noCache,
            Supplier<Keychain> keychain, Optional<String> refused) {

        TokenCache tokens(LoginConfig config) {
            return TokenCache.in(folder, keychain, config.tokenStore());
        }

        /** These options, where the cached access token {@code accessToken} was refused by an API: it is refreshed, not used. */
        public CacheOptions refusing(String accessToken) {
            return new CacheOptions(folder, minValidity, forceLogin, noCache, keychain, Optional.of(accessToken));
        }
    }

    /** A run's tokens, and whether they came from the cache as they were (a hit) rather than from the provider now. */
    public record Tokens(TokenResponse response, boolean cached) {
    }

    /**
     * One way to get new tokens (steps 1 to 6), which opens the run's connection with {@code connect}
     * when it needs it (the same one a refresh used), within {@code limits} (what is left of the run's
     * --timeout); what it returns has passed the {@link TokenCheck}.
     */
    @FunctionalInterface
    public interface Grant {
        TokenResponse tokens(ProviderConnection.Opener connect, Limits limits) throws LoginException;
    }

    private Session() {
    }

    /**
     * The tokens for {@code config}'s entry {@code key} (a person's login, or a machine's): from the
     * cache, by a refresh, or by {@code grant}.
     */
    public static Tokens tokens(LoginConfig config, TokenCache.Key key, ClientAuthentication client, CacheOptions cache,
            Limits limits, Log log, ProviderConnection.Opener opener, Grant grant) throws LoginException {
        long started = System.nanoTime();
        try (OnDemand connection = new OnDemand(opener)) {
            if (cache.noCache()) {
                return new Tokens(withScopeHint(config, key, () -> grant.tokens(connection, limits)), false);
            }
            // Held until the new tokens are written: a second run at the same time waits, then finds them.
            try (TokenCache.Locked entry = cache.tokens(config).open(key, lockWait(limits), log)) {
                Limits left = limits.after(started); // --timeout bounds the waits of the run: another run's lock, then the sign-in
                Optional<TokenCache.Entry> cached = entry.read(log);
                if (cached.isPresent() && cached.get().exposed()) {
                    forgetExposed(cached.get().tokens(), log, connection, entry);
                    cached = Optional.empty();
                }
                if (cache.forceLogin()) {
                    cached = Optional.empty();
                }
                Instant now = Instant.now();
                boolean refused = cached.isPresent() && cache.refused().filter(cached.get().tokens().accessToken()::equals).isPresent();
                if (refused) {
                    log.info("The API refused the cached access token (HTTP 401) before it expired: getting a new one");
                }
                if (cached.isPresent() && !refused && cached.get().tokens().validFor(cache.minValidity(), now)) {
                    log.info("Using the cached access token," + cached.get().tokens().validFor() + " more (--force-login signs in again,"
                            + " --logout forgets it)");
                    return new Tokens(cached.get().tokens(), true);
                }
                if (cached.isPresent() && cached.get().tokens().refreshToken().isPresent()) {
                    Optional<TokenResponse> refreshed = refresh(cached.get().tokens(), client, log, connection.open(), entry);
                    if (refreshed.isPresent()) {
                        return new Tokens(refreshed.get(), false);
                    }
                } else if (cached.isPresent() && !key.machine()) {
                    log.info("The cached access token has expired, and this client gets no refresh token"
                            + (config.ocs() ? " (an OCS Authorization Code client never does; a Hybrid client, with a client secret"
                                    + " and offline_access, does: see the README, \"Stay signed in on OCS\")" : "")
                            + "; signing in again: with the provider's session that is usually one click");
                }
                entry.checkKeychain(); // a keychain that cannot take the tokens is said before the sign-in
                TokenResponse signedIn = withScopeHint(config, key, () -> grant.tokens(connection, left));
                keep(entry, signedIn, client, log);
                return new Tokens(signedIn, false);
            }
        }
    }

    /**
     * The refresh token grant, checked by {@link TokenCheck#ofRefresh}; the entry is updated. When the
     * provider refuses the refresh token (any 4xx, with or without RFC 6749's error object), the entry
     * is dropped and nothing returned: the caller signs in again. A provider that cannot be reached,
     * or fails, or refuses the client's secret (which a sign-in would not mend), is an error, and the
     * entry stays for the next run.
     */
    private static Optional<TokenResponse> refresh(TokenResponse cached, ClientAuthentication client, Log log, ProviderConnection connection,
            TokenCache.Locked entry) throws LoginException {
        log.info("Refreshing the access token at " + connection.provider().tokenEndpoint() + " (no browser needed)");
        TokenResponse refreshed;
        try {
            refreshed = connection.refresh(cached);
        } catch (LoginException.ClientRefused refusal) { // the secret, not the refresh token: kept for when the secret is right
            throw new LoginException(refusal.exit(), refusal.getMessage() + "; the cached tokens were kept", refusal);
        } catch (LoginException.TokenError refusal) {
            entry.delete();
            String why = refusal.error().isEmpty() ? refusal.errorDescription().orElse("HTTP " + refusal.httpStatus())
                    : refusal.error() + refusal.errorDescription().map(description -> ": " + description).orElse("");
            log.info("The provider refused the saved refresh token (" + Log.printable(why, 160)
                    + "), so the cached tokens are dropped and the sign-in is done again");
            return Optional.empty();
        } catch (LoginException e) { // not a refusal: the provider failed, or could not be reached
            throw new LoginException(e.exit(), e.getMessage() + ". The cached tokens were kept, so the next run tries the"
                    + " refresh again; --force-login signs in now instead", e);
        }
        TokenResponse updated = cached.refreshedWith(refreshed);
        keep(entry, updated, client, log);
        log.info("Got a new access token" + updated.validFor() + "; it goes to stdout");
        return Optional.of(updated);
    }

    /**
     * Writes {@code tokens} to the cache; tokens that were obtained are printed even when they cannot be
     * kept (a read-only folder, a full disk): one line says why, and the next run signs in again.
     */
    private static void keep(TokenCache.Locked entry, TokenResponse tokens, ClientAuthentication client, Log log) {
        try {
            entry.write(tokens, client.kind());
        } catch (LoginException e) {
            log.info("warning: " + e.getMessage() + "; the token is printed all the same, but the next run cannot use it");
        }
    }

    /**
     * An entry that other users could read (its file was not 0600): none of its tokens is used. Its
     * refresh token, which may have been read, is revoked where the provider allows it (RFC 7009),
     * and the entry is deleted; the caller signs in again.
     */
    private static void forgetExposed(TokenResponse exposed, Log log, OnDemand connection, TokenCache.Locked entry) throws LoginException {
        log.info("warning: the cached tokens in " + entry.file() + " could be read by other users, so they are not used;"
                + (exposed.refreshToken().isPresent() ? " revoking their refresh token (it may have been read)," : "")
                + " deleting them and signing in again");
        if (exposed.refreshToken().isPresent()) {
            try {
                revoke(exposed.refreshToken().get(), log, connection.open(), "that refresh token");
            } catch (LoginException e) {
                log.info("warning: that refresh token could not be revoked: " + e.getMessage());
            }
        }
        entry.delete();
    }

    /**
     * Revokes {@code refreshToken} where the provider lets this client do that, saying what was done:
     * a provider without a revocation endpoint, or whose endpoint takes only clients with a secret (as
     * its discovery says, or its 401 or 403 shows), keeps the token valid until it expires.
     */
    private static void revoke(String refreshToken, Log log, ProviderConnection connection, String what) throws LoginException {
        IdentityProvider provider = connection.provider();
        if (provider.revocationEndpoint().isEmpty()) {
            log.info("The provider has no revocation_endpoint, so " + what + " stays valid there until it expires");
            return;
        }
        try {
            connection.revoke(refreshToken);
        } catch (LoginException.TokenError refused) { // the client's authentication was refused: nothing this client can do
            log.info("The provider's revocation endpoint takes only clients with a secret (RFC 7009 section 2.1), so " + what
                    + " stays valid there until it expires (it answered HTTP " + refused.httpStatus()
                    + (provider.saysItRevokesForPublicClients() ? ""
                    : "; its revocation_endpoint_auth_methods_supported lists no 'none'") + ")");
            return;
        }
        log.info("Revoked " + what + " at " + provider.revocationEndpoint().get());
    }

    /**
     * {@code --logout}: revokes the cached refresh token at the provider's revocation endpoint when
     * it has one (RFC 7009), then deletes the entry, saying what was done. Nothing to remove is fine.
     */
    public static void logout(LoginConfig config, TokenCache.Key key, CacheOptions cache, Limits limits, Log log,
            ProviderConnection.Opener opener) throws LoginException {
        try (TokenCache.Locked entry = cache.tokens(config).open(key, lockWait(limits), log);
                OnDemand connection = new OnDemand(opener)) {
            Optional<TokenResponse> cached = entry.read(log).map(TokenCache.Entry::tokens);
            Optional<String> refreshToken = cached.flatMap(TokenResponse::refreshToken);
            if (refreshToken.isPresent()) {
                try {
                    revoke(refreshToken.get(), log, connection.open(), "the refresh token");
                } catch (LoginException e) {
                    throw new LoginException(e.exit(), e.getMessage() + "; the cached tokens were kept: run --logout again,"
                            + " or delete " + entry.file(), e);
                }
            } else if (cached.isPresent() && !key.machine()) {
                log.info("This client got no refresh token, so there is nothing to revoke; the cached access token stays valid"
                        + " at the provider until it expires" + cached.get().expiresAt().map(at -> " (" + at + ")").orElse(""));
            }
            if (entry.delete()) {
                log.info("Removed the cached tokens for " + config.authority() + " (client " + config.clientId() + ")");
            } else {
                log.info("Nothing to remove: no cached tokens for " + config.authority() + " (client " + config.clientId() + ")");
            }
        }
    }

    /** A provider's {@code invalid_scope}, with the scopes that were sent and where they came from: what it takes to fix it. */
    private static TokenResponse withScopeHint(LoginConfig config, TokenCache.Key key, Call call) throws LoginException {
        try {
            return call.run();
        } catch (LoginException.OAuthError e) {
            if (!"invalid_scope".equals(e.error())) {
                throw e;
            }
            Optional<String> sent = key.machine() ? config.machineScope() : Optional.of(config.scope());
            throw e.because(sent.map(scope -> "the scopes sent were '" + scope + "' (" + config.scopeSource() + ")")
                    .orElse("no scope was sent (a machine asks for none unless Scope is set, or for OCS)")
                    + "; set Scope in config.ini or --scope to scopes this provider offers this client");
        }
    }

    @FunctionalInterface
    private interface Call {
        TokenResponse run() throws LoginException;
    }

    /** How long to wait for another run that holds the entry: the whole of --timeout, which bounds the run. */
    private static Duration lockWait(Limits limits) {
        return limits.callbackTimeout();
    }

    /** The run's connection, opened when first needed (never for a cache hit), once, and closed with the run. */
    private static final class OnDemand implements ProviderConnection.Opener, AutoCloseable {
        private final ProviderConnection.Opener opener;
        private ProviderConnection connection;

        OnDemand(ProviderConnection.Opener opener) {
            this.opener = opener;
        }

        @Override
        public ProviderConnection open() throws LoginException {
            if (connection == null) {
                connection = opener.open();
            }
            return connection;
        }

        @Override
        public void close() {
            if (connection != null) {
                connection.close();
            }
        }
    }
}
