import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.json.JSONObject;

/**
 * Sign in once: what a run does with the {@link TokenCache}. A cached access token with enough time
 * left is the answer, with no network call at all. An older one is refreshed silently with the
 * refresh token (RFC 6749 §6). Only when there is neither, or the provider refuses the refresh (the
 * session ended, the token was revoked), does the browser login of {@link OcsPkceLogin#login} run.
 * {@code --logout} revokes the refresh token (RFC 7009) and forgets the entry.
 */
final class Session {

    /** How the cache is used in one run: {@code --cache-dir}, {@code --min-validity}, {@code --force-login}, {@code --no-cache}. */
    record CacheOptions(Optional<Path> folder, Duration minValidity, boolean forceLogin, boolean noCache) {
    }

    /**
     * What must happen before the provider is called, and be undone after: nothing for a real
     * provider; {@code --demo} starts its Keycloak here, and only when the network is needed.
     */
    @FunctionalInterface
    interface Provider {
        Reached reach() throws LoginException;

        /** Nothing to do: the provider runs elsewhere. */
        Provider ELSEWHERE = () -> () -> { };
    }

    /** The sign-in to run when the cache cannot answer: in the browser, by --paste, or by --device. */
    @FunctionalInterface
    interface SignIn {
        JSONObject tokens() throws LoginException;
    }

    /** Undoes what {@link Provider#reach} did. */
    @FunctionalInterface
    interface Reached extends AutoCloseable {
        @Override
        void close();
    }

    private Session() {
    }

    /** The token response for {@code config}: from the cache, by a refresh, or by {@code signIn}. */
    static JSONObject tokens(LoginConfig config, CacheOptions cache, OcsPkceLogin.Limits limits, Log log, Provider provider,
            SignIn signIn) throws LoginException {
        if (cache.noCache()) {
            try (Reached reached = provider.reach()) {
                return signIn.tokens();
            }
        }
        // Held until the new tokens are written: a second run at the same time waits, then finds them.
        try (TokenCache.Locked entry = TokenCache.in(cache.folder()).open(TokenCache.Key.of(config), lockWait(limits), log)) {
            Optional<TokenCache.Entry> cached = entry.read(log);
            if (cached.isPresent() && cached.get().exposed()) {
                forgetExposed(config, cached.get(), limits, log, provider, entry);
                cached = Optional.empty();
            }
            if (cache.forceLogin()) {
                cached = Optional.empty();
            }
            Instant now = Instant.now();
            if (cached.isPresent() && cached.get().validFor(cache.minValidity(), now)) {
                log.info("Using the cached access token, valid for " + Duration.between(now, cached.get().expiresAt().orElseThrow())
                        .getSeconds() + " s more (--force-login signs in again, --logout forgets it)");
                return cached.get().response(now);
            }
            try (Reached reached = provider.reach()) {
                JSONObject tokens = null;
                if (cached.isPresent() && cached.get().refreshToken().isPresent()) {
                    tokens = refresh(config, cached.get(), limits, log, entry);
                }
                if (tokens == null) {
                    tokens = signIn.tokens();
                    entry.write(TokenCache.Entry.of(tokens, Instant.now()));
                }
                return tokens;
            }
        }
    }

    /**
     * The refresh token grant, with an ID token that comes back checked as OpenID Connect Core §12.2
     * says; the entry is updated. When the provider refuses the refresh token, the entry is dropped
     * and null returned: the caller signs in again.
     */
    private static JSONObject refresh(LoginConfig config, TokenCache.Entry cached, OcsPkceLogin.Limits limits, Log log,
            TokenCache.Locked entry) throws LoginException {
        try (Http http = new Http(limits.connectTimeout(), limits.readTimeout(), config.caFile())) {
            IdentityProvider provider = IdentityProvider.discover(config.authority(), http);
            log.info("Refreshing the access token at " + provider.tokenEndpoint() + " (no browser needed)");
            JSONObject refreshed;
            try {
                refreshed = provider.refresh(http, config.clientId(), cached.refreshToken().orElseThrow());
            } catch (LoginException.TokenError e) {
                entry.delete();
                String why = e.error().isEmpty() ? e.errorDescription().orElse("HTTP " + e.httpStatus())
                        : e.error() + e.errorDescription().map(description -> ": " + description).orElse("");
                log.info("The provider refused the saved refresh token (" + Log.printable(why, 160)
                        + "), so the cached tokens are dropped and the sign-in is done again");
                return null;
            }
            refreshed.remove("id_token_claims"); // a provider's field of that name is not ours to pass on
            if (refreshed.opt("id_token") != null) {
                if (!(refreshed.opt("id_token") instanceof String idToken) || !(cached.tokens().opt("id_token_claims") instanceof JSONObject original)) {
                    throw new LoginException(LoginException.Exit.PROVIDER_INVALID, "The token endpoint answered the refresh with an"
                            + " id_token that cannot be checked against the login's");
                }
                refreshed.put("id_token_claims", new JSONObject(IdTokenValidator.forProvider(provider, config.clientId(), http)
                        .validateRefreshed(idToken, original).toJSONObject()));
            }
            TokenCache.Entry updated = cached.refreshedWith(refreshed, Instant.now());
            entry.write(updated);
            log.info("Got a new access token" + IdentityProvider.validFor(refreshed) + "; it goes to stdout");
            return updated.response(Instant.now());
        }
    }

    /**
     * An entry that other users could read (its file was not 0600): none of its tokens is used. Its
     * refresh token, which may have been read, is revoked where the provider allows it (RFC 7009),
     * and the entry is deleted; the caller signs in again.
     */
    private static void forgetExposed(LoginConfig config, TokenCache.Entry exposed, OcsPkceLogin.Limits limits, Log log,
            Provider provider, TokenCache.Locked entry) throws LoginException {
        log.info("warning: the cached tokens in " + entry.file() + " could be read by other users, so they are not used;"
                + (exposed.refreshToken().isPresent() ? " revoking their refresh token (it may have been read)," : "")
                + " deleting them and signing in again");
        if (exposed.refreshToken().isPresent()) {
            try (Reached reached = provider.reach(); Http http = new Http(limits.connectTimeout(), limits.readTimeout(), config.caFile())) {
                IdentityProvider discovered = IdentityProvider.discover(config.authority(), http);
                if (discovered.revocationEndpoint().isPresent()) {
                    discovered.revoke(http, config.clientId(), exposed.refreshToken().get());
                    log.info("Revoked that refresh token at " + discovered.revocationEndpoint().get());
                } else {
                    log.info("The provider has no revocation_endpoint: that refresh token stays valid there until it expires");
                }
            } catch (LoginException e) {
                log.info("warning: that refresh token could not be revoked: " + e.getMessage());
            }
        }
        entry.delete();
    }

    /**
     * {@code --logout}: revokes the cached refresh token at the provider's revocation endpoint when
     * it has one (RFC 7009), then deletes the entry, saying what was done. Nothing to remove is fine.
     */
    static void logout(LoginConfig config, CacheOptions cache, OcsPkceLogin.Limits limits, Log log, Provider provider)
            throws LoginException {
        try (TokenCache.Locked entry = TokenCache.in(cache.folder()).open(TokenCache.Key.of(config), lockWait(limits), log)) {
            Optional<TokenCache.Entry> cached = entry.read(log);
            Optional<String> refreshToken = cached.flatMap(TokenCache.Entry::refreshToken);
            if (refreshToken.isPresent()) {
                try (Reached reached = provider.reach(); Http http = new Http(limits.connectTimeout(), limits.readTimeout(), config.caFile())) {
                    IdentityProvider discovered = IdentityProvider.discover(config.authority(), http);
                    if (discovered.revocationEndpoint().isPresent()) {
                        discovered.revoke(http, config.clientId(), refreshToken.get());
                        log.info("Revoked the refresh token at " + discovered.revocationEndpoint().get());
                    } else {
                        log.info("The provider has no revocation_endpoint, so the refresh token stays valid there until it expires");
                    }
                } catch (LoginException e) {
                    throw new LoginException(e.exit(), e.getMessage() + "; the cached tokens were kept: run --logout again,"
                            + " or delete " + entry.file(), e);
                }
            }
            if (entry.delete()) {
                log.info("Removed the cached tokens for " + config.authority() + " (client " + config.clientId() + ")");
            } else {
                log.info("Nothing to remove: no cached tokens for " + config.authority() + " (client " + config.clientId() + ")");
            }
        }
    }

    /** How long to wait for another run that holds the entry: as long as its sign-in may take, and a little. */
    private static Duration lockWait(OcsPkceLogin.Limits limits) {
        return limits.callbackTimeout().plus(limits.readTimeout()).plusSeconds(10);
    }
}
