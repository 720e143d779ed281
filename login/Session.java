import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.json.JSONObject;

/**
 * Sign in once: what a run does with the {@link TokenCache}, as kubelogin's authentication does. A
 * cached access token with enough time left is the answer, with no network call at all. Otherwise
 * the provider is discovered, once, and an older token is refreshed silently (RFC 6749 §6); only
 * when there is no refresh token, or the provider refuses it, does the grant (the browser, --paste,
 * --device) run, on the same connection. {@code --logout} revokes the refresh token (RFC 7009).
 */
final class Session {

    /** How long a cached access token must still be valid to be used, unless --min-validity says otherwise. */
    static final Duration DEFAULT_MIN_VALIDITY = Duration.ofSeconds(60);

    /** How the cache is used in one run: {@code --cache-dir}, {@code --min-validity}, {@code --force-login}, {@code --no-cache}. */
    record CacheOptions(Optional<Path> folder, Duration minValidity, boolean forceLogin, boolean noCache) {
    }

    /**
     * One way to get new tokens (steps 2 to 5), on the connection of step 1, within {@code limits} (what
     * is left of the run's --timeout); what it returns has passed the {@link TokenCheck}.
     */
    @FunctionalInterface
    interface Grant {
        JSONObject tokens(ProviderConnection connection, Limits limits) throws LoginException;
    }

    private Session() {
    }

    /**
     * The token response for {@code config}'s entry {@code key} (a person's login, or a machine's):
     * from the cache, by a refresh, or by {@code grant}; with {@code expires_in} counting from now,
     * and {@code expires_at} in POSIX seconds, for scripts.
     */
    static JSONObject tokens(LoginConfig config, TokenCache.Key key, CacheOptions cache, Limits limits, Log log,
            ProviderConnection.Opener opener, Grant grant) throws LoginException {
        long started = System.nanoTime();
        try (OnDemand connection = new OnDemand(opener)) {
            if (cache.noCache()) {
                opener.checkSignIn();
                JSONObject tokens = withScopeHint(config, key, () -> grant.tokens(connection.get(), limits));
                return TokenCache.Entry.of(tokens, Instant.now()).response(Instant.now());
            }
            // Held until the new tokens are written: a second run at the same time waits, then finds them.
            try (TokenCache.Locked entry = TokenCache.in(cache.folder()).open(key, lockWait(limits), log)) {
                Limits left = limits.after(started); // --timeout bounds the waits of the run: another run's lock, then the sign-in
                Optional<TokenCache.Entry> cached = entry.read(log);
                if (cached.isPresent() && cached.get().exposed()) {
                    forgetExposed(config, cached.get(), log, connection, entry);
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
                JSONObject tokens = null;
                if (cached.isPresent() && cached.get().refreshToken().isPresent()) {
                    tokens = refresh(config, cached.get(), log, connection.get(), entry);
                } else if (cached.isPresent() && !key.machine()) {
                    log.info("The cached access token has expired, and this client gets no refresh token"
                            + (config.ocs() ? " (OCS Authorization Code clients never do)" : "") + "; signing in again:"
                            + " with the provider's session that is usually one click");
                }
                if (tokens == null) {
                    opener.checkSignIn();
                    TokenCache.Entry signedIn = TokenCache.Entry.of(withScopeHint(config, key, () -> grant.tokens(connection.get(),
                            left)), Instant.now());
                    keep(entry, signedIn, log);
                    tokens = signedIn.response(Instant.now());
                }
                return tokens;
            }
        }
    }

    /**
     * The refresh token grant, checked by {@link TokenCheck#ofRefresh}; the entry is updated. When the
     * provider refuses the refresh token (any 4xx, with or without RFC 6749's error object), the entry
     * is dropped and null returned: the caller signs in again. A provider that cannot be reached is
     * an error, and the entry stays for the next run.
     */
    private static JSONObject refresh(LoginConfig config, TokenCache.Entry cached, Log log, ProviderConnection connection, TokenCache.Locked entry)
            throws LoginException {
        IdentityProvider provider = connection.provider();
        log.info("Refreshing the access token at " + provider.tokenEndpoint() + " (no browser needed)");
        JSONObject refreshed;
        try {
            refreshed = provider.refresh(connection.http(), config.clientId(), cached.refreshToken().orElseThrow());
        } catch (LoginException e) {
            if (!(e instanceof LoginException.TokenError)) { // not a refusal: the provider failed, or could not be reached
                throw new LoginException(e.exit(), e.getMessage() + ". The cached tokens were kept, so the next run tries the"
                        + " refresh again; --force-login signs in now instead", e);
            }
            LoginException.TokenError refusal = (LoginException.TokenError) e;
            entry.delete();
            String why = refusal.error().isEmpty() ? refusal.errorDescription().orElse("HTTP " + refusal.httpStatus())
                    : refusal.error() + refusal.errorDescription().map(description -> ": " + description).orElse("");
            log.info("The provider refused the saved refresh token (" + Log.printable(why, 160)
                    + "), so the cached tokens are dropped and the sign-in is done again");
            return null;
        }
        connection.check().ofRefresh(refreshed, cached.tokens().optJSONObject("id_token_claims"));
        TokenCache.Entry updated = cached.refreshedWith(refreshed, Instant.now());
        keep(entry, updated, log);
        log.info("Got a new access token" + TokenCheck.validFor(refreshed) + "; it goes to stdout");
        return updated.response(Instant.now());
    }

    /**
     * Writes {@code tokens} to the cache; tokens that were obtained are printed even when they cannot be
     * kept (a read-only folder, a full disk): one line says why, and the next run signs in again.
     */
    private static void keep(TokenCache.Locked entry, TokenCache.Entry tokens, Log log) {
        try {
            entry.write(tokens);
        } catch (LoginException e) {
            log.info("warning: " + e.getMessage() + "; the token is printed all the same, but the next run cannot use it");
        }
    }

    /**
     * An entry that other users could read (its file was not 0600): none of its tokens is used. Its
     * refresh token, which may have been read, is revoked where the provider allows it (RFC 7009),
     * and the entry is deleted; the caller signs in again.
     */
    private static void forgetExposed(LoginConfig config, TokenCache.Entry exposed, Log log, OnDemand connection,
            TokenCache.Locked entry) throws LoginException {
        log.info("warning: the cached tokens in " + entry.file() + " could be read by other users, so they are not used;"
                + (exposed.refreshToken().isPresent() ? " revoking their refresh token (it may have been read)," : "")
                + " deleting them and signing in again");
        if (exposed.refreshToken().isPresent()) {
            try {
                revoke(config, exposed.refreshToken().get(), log, connection.get(), "that refresh token");
            } catch (LoginException e) {
                log.info("warning: that refresh token could not be revoked: " + e.getMessage());
            }
        }
        entry.delete();
    }

    /**
     * Revokes {@code refreshToken} where the provider lets this client do that, saying what was done:
     * a provider without a revocation endpoint, or whose endpoint takes only authenticated clients
     * (as its discovery says, or its 401 or 403 shows), keeps the token valid until it expires.
     */
    private static void revoke(LoginConfig config, String refreshToken, Log log, ProviderConnection connection, String what)
            throws LoginException {
        IdentityProvider provider = connection.provider();
        if (provider.revocationEndpoint().isEmpty()) {
            log.info("The provider has no revocation_endpoint, so " + what + " stays valid there until it expires");
            return;
        }
        String onlyAuthenticated = "The provider's revocation endpoint takes only clients with a secret (RFC 7009 §2.1), so " + what
                + " stays valid there until it expires";
        if (!provider.revokesForPublicClients()) {
            log.info(onlyAuthenticated + " (its revocation_endpoint_auth_methods_supported lists no 'none')");
            return;
        }
        try {
            provider.revoke(connection.http(), config.clientId(), refreshToken);
        } catch (LoginException.TokenError refused) {
            log.info(onlyAuthenticated + " (it answered HTTP " + refused.httpStatus() + ")");
            return;
        }
        log.info("Revoked " + what + " at " + provider.revocationEndpoint().get());
    }

    /**
     * {@code --logout}: revokes the cached refresh token at the provider's revocation endpoint when
     * it has one (RFC 7009), then deletes the entry, saying what was done. Nothing to remove is fine.
     */
    static void logout(LoginConfig config, TokenCache.Key key, CacheOptions cache, Limits limits, Log log, ProviderConnection.Opener opener)
            throws LoginException {
        try (TokenCache.Locked entry = TokenCache.in(cache.folder()).open(key, lockWait(limits), log);
                OnDemand connection = new OnDemand(opener)) {
            Optional<TokenCache.Entry> cached = entry.read(log);
            Optional<String> refreshToken = cached.flatMap(TokenCache.Entry::refreshToken);
            if (refreshToken.isPresent()) {
                try {
                    revoke(config, refreshToken.get(), log, connection.get(), "the refresh token");
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

    /**
     * {@code --status}: the cached logins, one line each (or a JSON array): provider, client, tenant,
     * scope, who signed in (from the validated ID token claims), the access token's expiry, and whether
     * a refresh token is held. No token is ever printed, and no network call made.
     */
    static void status(CacheOptions cache, boolean json, java.io.PrintStream out, Log log) throws LoginException {
        TokenCache tokens = TokenCache.in(cache.folder());
        java.util.List<TokenCache.Listed> listed = tokens.list();
        org.json.JSONArray all = new org.json.JSONArray();
        Instant now = Instant.now();
        for (TokenCache.Listed item : listed) {
            if (item.entry().isEmpty()) {
                if (!json) {
                    out.println(Log.printable(item.file(), 80) + ": " + item.problem() + " (it is replaced by the next login of its settings)");
                }
                continue;
            }
            try {
                statusLine(item, json, now, all, out);
            } catch (RuntimeException e) { // one entry that cannot be shown never hides the others
                if (!json) {
                    out.println(Log.printable(item.file(), 80) + ": damaged (it is replaced by the next login of its settings)");
                }
            }
        }
        if (json) {
            out.println(Log.printableJson(all.toString(2)));
        } else if (listed.isEmpty()) {
            log.info("No cached logins in " + tokens.folder());
        }
        out.flush();
    }

    /** One entry of --status: a line of text, or an object of the JSON array. */
    private static void statusLine(TokenCache.Listed item, boolean json, Instant now, org.json.JSONArray all, java.io.PrintStream out) {
        TokenCache.Key key = item.key().orElseThrow();
        TokenCache.Entry entry = item.entry().get();
        JSONObject claims = entry.tokens().optJSONObject("id_token_claims");
        String user = key.machine() ? "(a machine: client credentials)" : claims == null ? "(no ID token)"
                : claims.optString("preferred_username", claims.optString("email", claims.optString("sub", "?")));
        JSONObject line = new JSONObject().put("issuer", key.issuer()).put("client_id", key.clientId()).put("tenant", key.tenant())
                .put("scope", key.scope()).put("user", user).put("refresh_token", entry.refreshToken().isPresent())
                .put("readable_by_others", entry.exposed());
        entry.expiresAt().ifPresent(at -> line.put("expires_at", at.getEpochSecond()).put("expires_in", Duration.between(now, at).getSeconds()));
        all.put(line);
        if (!json) {
            String expiry = entry.expiresAt().map(at -> java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
                    .format(java.time.LocalDateTime.ofInstant(at, java.time.ZoneId.systemDefault())) + (at.isAfter(now)
                    ? " (in " + Duration.between(now, at).getSeconds() + " s)" : " (expired)")).orElse("unknown");
            out.println(Log.printable(key.issuer(), 120) + "  client " + Log.printable(key.clientId(), 60)
                    + (key.tenant().isEmpty() ? "" : "  tenant " + Log.printable(key.tenant(), 60))
                    + "  scope '" + Log.printable(key.scope(), 80) + "'  user " + Log.printable(user, 80) + "  expires " + expiry
                    + "  refresh token: " + (entry.refreshToken().isPresent() ? "yes" : "no")
                    + (entry.exposed() ? "  (readable by other users: the next run revokes and replaces it)" : ""));
        }
    }

    /** A provider's {@code invalid_scope}, with the scopes that were sent and where they came from: what it takes to fix it. */
    private static JSONObject withScopeHint(LoginConfig config, TokenCache.Key key, Call call) throws LoginException {
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
        JSONObject run() throws LoginException;
    }

    /** How long to wait for another run that holds the entry: the whole of --timeout, which bounds the run. */
    private static Duration lockWait(Limits limits) {
        return limits.callbackTimeout();
    }

    /** The run's connection, opened when first needed (never for a cache hit), and closed with the run. */
    private static final class OnDemand implements AutoCloseable {
        private final ProviderConnection.Opener opener;
        private ProviderConnection connection;

        OnDemand(ProviderConnection.Opener opener) {
            this.opener = opener;
        }

        ProviderConnection get() throws LoginException {
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
