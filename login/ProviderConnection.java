package login;

import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.json.JSONObject;
import system.Http;
import system.HttpFailure;
import system.Log;
import system.Urls;

/**
 * The provider as one run talks to it, and the client that talks: the HTTP client (with the run's
 * limits, proxies and CAs), the discovery document, fetched once (step 1), the client's identity
 * and authentication, and the check of every token response, made ready meanwhile. Its methods
 * are the requests of the back channel, each made as this client: push, exchange, refresh, revoke,
 * the device flow's, and a machine's. Only a run that needs the network opens one; a cache hit never does.
 */
public final class ProviderConnection implements AutoCloseable {

    /** How a run opens its connection, when it first needs one: discovery, after whatever must come first (the demo's Keycloak). */
    @FunctionalInterface
    public interface Opener {
        ProviderConnection open() throws LoginException;
    }

    /** The longest request_uri a pushed request may give: the browser's address must stay well under 8 KiB. */
    static final int MAX_REQUEST_URI = 2048;

    private final LoginConfig config;
    private final ClientAuthentication client;
    private final Http http;
    private final IdentityProvider provider;
    private final CompletableFuture<IdTokenValidator> validator;

    private ProviderConnection(LoginConfig config, ClientAuthentication client, Http http, IdentityProvider provider) {
        this.config = config;
        this.client = client;
        this.http = http;
        this.provider = provider;
        // While the user signs in, the ID token's checker gets ready: Nimbus loaded, the provider's keys fetched.
        this.validator = IdTokenValidator.readiedMeanwhile(provider, config, this::keySet);
    }

    /** Step 1: the HTTP client for {@code config}, and the provider's discovery document, fetched and checked. */
    public static ProviderConnection open(LoginConfig config, ClientAuthentication client, Limits limits, Log log) throws LoginException {
        Http http;
        try {
            http = new Http(limits.connectTimeout(), limits.readTimeout(), config.caFile());
        } catch (HttpFailure e) {
            throw LoginException.of(e);
        }
        try {
            URI url = Urls.discoveryUrl(config.authority());
            log.step(1, "Fetching the provider's configuration from " + url);
            Http.Answer answer = call(() -> http.get(url, Endpoint.DISCOVERY.what));
            if (answer.status() != 200) {
                throw LoginException.providerInvalid(Endpoint.DISCOVERY, url, "answered " + answer.describe()
                        + (answer.status() == 404 ? " (is Resource or Authority right? Resource is the address without a path,"
                                + " e.g. https://uswe.datahub.connect.aveva.com; Authority is the issuer itself)" : ""));
            }
            IdentityProvider provider = IdentityProvider.fromDocument(call(() -> answer.json(Endpoint.DISCOVERY.what, url)).body(),
                    config.authority(), config.authoritySource(), url);
            log.detail("authorization_endpoint " + provider.authorizationEndpoint() + ", token_endpoint " + provider.tokenEndpoint());
            return new ProviderConnection(config, client, http, provider);
        } catch (LoginException | RuntimeException e) {
            http.close();
            throw e;
        }
    }

    /** The opener of a connection to {@code config}'s provider, as {@code client}. */
    public static Opener to(LoginConfig config, ClientAuthentication client, Limits limits, Log log) {
        return () -> open(config, client, limits, log);
    }

    public IdentityProvider provider() {
        return provider;
    }

    ClientAuthentication client() {
        return client;
    }

    /**
     * Before a person signs in: whether this provider signs ID tokens so that this client can check
     * them, when the scope asks for one ({@link TokenCheck#idTokensCanBeChecked}).
     */
    public void idTokensCanBeChecked() throws LoginException {
        check().idTokensCanBeChecked();
    }

    /** The one check of every token response of this run: the login's, the device code's, the refresh's, a machine's. */
    TokenCheck check() {
        return new TokenCheck(config, provider, validator::join);
    }

    /**
     * Step 3's address, for the browser to open: the authorization request for {@code redirectUri}.
     * Where the provider takes pushed authorization requests (RFC 9126) and {@code push} allows, the
     * request goes to it first, as this client, so that a wrong client, secret, redirect URI or scope
     * fails now with the provider's own error, and the browser gets a short address (client_id and
     * request_uri) that keeps PKCE and state out of its history.
     */
    public IdentityProvider.Address authorizationUrl(AuthorizationRequest request, URI redirectUri, boolean push, Log log)
            throws LoginException {
        if (!push) {
            return new IdentityProvider.Address(request.toUri(provider.authorizationEndpoint(), redirectUri), Optional.empty(), false);
        }
        URI endpoint = provider.pushedAuthorizationRequestEndpoint().orElseThrow();
        log.info("Pushing the authorization request to " + endpoint + " (RFC 9126" + (provider.requirePushedAuthorizationRequests()
                ? ", which this provider requires)" : "; --no-par sends it through the browser" + (request.extraParameters().isEmpty()
                ? ")" : ", which also helps where a provider ignores AuthParams in a pushed request)")));
        Http.Answer answer = post(Endpoint.PUSHED_AUTHORIZATION_REQUEST, endpoint, new LinkedHashMap<>(request.parameters(redirectUri)));
        if (answer.status() != 201 && answer.status() != 200) {
            if (clientRefused(answer)) { // RFC 9126 §2.1: the client authenticates here, so a wrong secret is known before the browser
                throw refusalOfTheClient(answer, Endpoint.PUSHED_AUTHORIZATION_REQUEST, endpoint);
            }
            LoginException refused = refusal(answer, "the authorization request", Endpoint.PUSHED_AUTHORIZATION_REQUEST, endpoint);
            if (refused instanceof LoginException.OAuthError oauth && !"invalid_scope".equals(oauth.error())) {
                throw oauth.because(Hints.clientAndRedirectUri(client.clientId(), client instanceof ClientAuthentication.Secret, redirectUri)
                        + (answer.status() == 401 ? "; a client with a secret (an OCS Hybrid client) needs it in " + client.whereTheSecretGoes()
                                : ""));
            }
            throw refused;
        }
        JSONObject body = json(answer, Endpoint.PUSHED_AUTHORIZATION_REQUEST, endpoint);
        if (!(body.opt("request_uri") instanceof String requestUri) || requestUri.isBlank()) {
            throw LoginException.providerInvalid(Endpoint.PUSHED_AUTHORIZATION_REQUEST, endpoint, "answered without a request_uri"
                    + " (RFC 9126 section 2.2)");
        }
        if (requestUri.length() > MAX_REQUEST_URI) {
            throw LoginException.providerInvalid(Endpoint.PUSHED_AUTHORIZATION_REQUEST, endpoint, "answered with a request_uri of "
                    + requestUri.length() + " characters, too long for a browser's address (at most " + MAX_REQUEST_URI
                    + " here; RFC 9126 section 2.2 makes it a short reference); --no-par sends the request through the browser instead");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("client_id", request.clientId());
        parameters.put("request_uri", requestUri);
        Optional<Duration> lifetime = body.opt("expires_in") instanceof Number seconds && seconds.longValue() > 0
                ? Optional.of(Duration.ofSeconds(Math.min(seconds.longValue(), 86_400))) : Optional.empty();
        return new IdentityProvider.Address(AuthorizationRequest.withQuery(provider.authorizationEndpoint(), parameters), lifetime, true);
    }

    /**
     * Step 5: redeems the authorization code, proving with the {@code code_verifier} that this is the
     * client that sent the {@code code_challenge} (RFC 6749 §4.1.3, RFC 7636 §4.5); the response
     * checked, its ID token bound to {@code request}'s nonce.
     */
    public TokenResponse exchange(String code, AuthorizationRequest request, URI redirectUri, Log log) throws LoginException {
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code_verifier", request.codeVerifier());
        form.put("code", code);
        form.put("redirect_uri", redirectUri.toString());
        return check().ofLogin(token(form, "the code"), request.nonce(), log);
    }

    /**
     * A new access token for the refresh token of {@code login}, without the user (RFC 6749 §6). The
     * scope is left out, so the new token has the scope of the old one; the response is checked
     * against the login's (OpenID Connect Core §12.2).
     */
    TokenResponse refresh(TokenResponse login) throws LoginException {
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", login.refreshToken().orElseThrow());
        return check().ofRefresh(token(form, "the refresh token"), login);
    }

    /** A machine's access token, with the client's own credentials (RFC 6749 §4.4); no scope is sent when it has none. */
    TokenResponse clientCredentials(Log log) throws LoginException {
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        config.machineScope().filter(value -> !value.isBlank()).ifPresent(value -> form.put("scope", value));
        return check().ofMachine(token(form, "the client's credentials"), log);
    }

    /**
     * Asks for a device code and a user code (RFC 8628 §3.1), at the device authorization endpoint,
     * which must be present.
     *
     * @return the answer (§3.2): device_code, user_code, verification_uri, expires_in, perhaps interval and verification_uri_complete
     */
    JSONObject deviceAuthorization(AuthorizationRequest request) throws LoginException {
        URI endpoint = provider.deviceAuthorizationEndpoint().orElseThrow();
        // PKCE is no part of RFC 8628, but binds the poll to this program too; providers that require it
        // for the client (Keycloak does) get it, and others ignore unknown parameters (RFC 6749 §3.1).
        Http.Answer answer = post(Endpoint.DEVICE_AUTHORIZATION, endpoint, new LinkedHashMap<>(request.commonParameters()));
        if (answer.status() == 200) {
            return json(answer, Endpoint.DEVICE_AUTHORIZATION, endpoint);
        }
        throw refusal(answer, "the device authorization request", Endpoint.DEVICE_AUTHORIZATION, endpoint);
    }

    /**
     * One poll for the tokens of a device code (RFC 8628 §3.4); while the user has not finished,
     * it is a {@link LoginException.TokenError} such as {@code authorization_pending} (§3.5).
     */
    JSONObject pollDeviceCode(String deviceCode, String codeVerifier) throws LoginException {
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("grant_type", "urn:ietf:params:oauth:grant-type:device_code");
        form.put("device_code", deviceCode);
        form.put("code_verifier", codeVerifier);
        return token(form, "the device code");
    }

    /**
     * Revokes a refresh token (RFC 7009 §2.1) at the revocation endpoint, which must be present. The
     * provider answers 200 whether or not the token was still valid, and whatever its body says
     * (§2.2): afterwards, it is not. A 401 or 403 is a {@link LoginException.TokenError}: the
     * endpoint takes only other clients.
     */
    void revoke(String refreshToken) throws LoginException {
        URI endpoint = provider.revocationEndpoint().orElseThrow();
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("token", refreshToken);
        form.put("token_type_hint", "refresh_token");
        Http.Answer answer = post(Endpoint.REVOCATION, endpoint, form);
        if (client instanceof ClientAuthentication.Secret && clientRefused(answer)) {
            throw refusalOfTheClient(answer, Endpoint.REVOCATION, endpoint); // its secret, which a public client's refusal is not about
        }
        boolean notForThisClient = answer.object().map(body -> "invalid_client".equals(body.opt("error"))
                || "unauthorized_client".equals(body.opt("error"))).orElse(false);
        if (answer.status() == 401 || answer.status() == 403 || notForThisClient) {
            throw new LoginException.TokenError("the revocation", Endpoint.REVOCATION, answer.status(), answer.describe());
        }
        if (answer.status() != 200) {
            throw LoginException.providerInvalid(Endpoint.REVOCATION, endpoint, "answered " + answer.describe()
                    + answer.object().map(body -> body.opt("error") instanceof String error ? " (" + Log.printable(error, 80) + ")" : "")
                            .orElse("") + "; the refresh token may still be valid");
        }
    }

    /** The provider's key set (its {@code jwks_uri}), for the ID token's check. */
    private com.nimbusds.jose.jwk.JWKSet keySet() throws LoginException {
        URI jwksUri = provider.jwksUri().orElseThrow(() -> new LoginException(LoginException.Exit.PROVIDER_INVALID,
                "The provider sent an ID token but its discovery document has no jwks_uri to check it with"));
        Http.JsonAnswer answer = call(() -> http.getJson(jwksUri, Endpoint.KEY_SET.what));
        if (answer.status() != 200) {
            throw LoginException.providerInvalid(Endpoint.KEY_SET, jwksUri, "answered HTTP " + answer.status());
        }
        try {
            return com.nimbusds.jose.jwk.JWKSet.parse(answer.body().toString());
        } catch (ParseException e) {
            throw LoginException.providerInvalid(Endpoint.KEY_SET, jwksUri, "is not a JSON Web Key Set: " + Log.printable(e.getMessage()));
        }
    }

    /**
     * A request to the token endpoint: its successful response (RFC 6749 §5.1), or the refusal as a
     * typed failure (§5.2). A refusal of the client itself ({@code invalid_client}, RFC 6749 §5.2) names
     * the secret as the cause, not what was sent: a wrong one, or one that a confidential client lacks.
     */
    private JSONObject token(Map<String, Object> form, String refused) throws LoginException {
        Http.Answer answer = post(Endpoint.TOKEN, provider.tokenEndpoint(), form);
        if (answer.status() >= 200 && answer.status() < 300) {
            return json(answer, Endpoint.TOKEN, provider.tokenEndpoint());
        }
        if (!clientRefused(answer)) {
            throw refusal(answer, refused, Endpoint.TOKEN, provider.tokenEndpoint());
        }
        throw refusalOfTheClient(answer, Endpoint.TOKEN, provider.tokenEndpoint());
    }

    /**
     * Whether the provider refused the client itself: {@code invalid_client}; or, for a client with a
     * secret, HTTP 401, which RFC 6749 §5.2 keeps for a failed client authentication whatever code comes
     * with it (Keycloak sends {@code unauthorized_client} from its token endpoint, {@code invalid_request}
     * from its pushed one). A public client's bare 401 is a refusal of what it sent, as before.
     */
    private boolean clientRefused(Http.Answer answer) {
        return answer.object().map(body -> "invalid_client".equals(body.opt("error"))).orElse(false)
                || answer.status() == 401 && client instanceof ClientAuthentication.Secret;
    }

    /** The refusal of the client, naming its secret as the cause: a wrong one, or none where the client needs one. */
    private LoginException refusalOfTheClient(Http.Answer answer, Endpoint endpoint, URI url) {
        boolean secret = client instanceof ClientAuthentication.Secret;
        LoginException failure = refusal(answer, secret ? "the client's secret" : "the client", endpoint, url);
        return failure instanceof LoginException.TokenError refused ? new LoginException.ClientRefused(refused, secret
                ? "check that the secret configured is client " + client.clientId() + "'s (it is read from " + client.whereTheSecretGoes() + ")"
                : "a confidential client (an OCS Hybrid client, or one whose provider asks for client authentication) needs its secret: "
                        + client.whereTheSecretGoes()) : failure;
    }

    /** A form POST of the back channel, as this client (its client_id, and its secret where it has one). */
    private Http.Answer post(Endpoint endpoint, URI url, Map<String, Object> form) throws LoginException {
        Optional<String> authorization = client.applyTo(form, provider.tokenEndpointAuthMethods());
        return call(() -> http.post(url, form, authorization, endpoint.what));
    }

    private static JSONObject json(Http.Answer answer, Endpoint endpoint, URI url) throws LoginException {
        return call(() -> answer.json(endpoint.what, url)).body();
    }

    /** A call of the HTTP client, its failure turned into the login's (the one place this happens). */
    private static <T> T call(HttpCall<T> call) throws LoginException {
        try {
            return call.run();
        } catch (HttpFailure e) {
            throw LoginException.of(e);
        }
    }

    @FunctionalInterface
    private interface HttpCall<T> {
        T run() throws HttpFailure;
    }

    /**
     * A refusal as a typed failure: with the error object of RFC 6749 §5.2, or any 4xx without one
     * (an empty 401, an HTML page), which still says no. A 5xx is the provider failing; other answers
     * are the endpoint's fault.
     */
    private static LoginException refusal(Http.Answer answer, String refused, Endpoint endpoint, URI url) {
        Optional<JSONObject> body = answer.object();
        if (answer.status() >= 500) { // the provider failed: it owes no error object, and nothing sent was refused
            String said = body.filter(json -> json.opt("error") instanceof String).map(json -> "HTTP " + answer.status() + ", "
                    + Log.printable(json.getString("error"), 60) + (json.opt("error_description") instanceof String description
                    ? ": " + Log.printable(description, 160) : "")).orElse(answer.describe());
            return new LoginException(LoginException.Exit.PROVIDER_UNREACHABLE, "The " + endpoint + " at " + url + " failed (" + said
                    + ") on " + refused + ": the provider's fault, not this client's");
        }
        if (body.isPresent() && body.get().opt("error") instanceof String error) {
            return new LoginException.TokenError(error.equals("invalid_scope") ? "the scope" : refused, endpoint, answer.status(), error,
                    body.get().optString("error_description", null));
        }
        if (answer.status() >= 400) {
            return new LoginException.TokenError(refused, endpoint, answer.status(), answer.describe());
        }
        return LoginException.providerInvalid(endpoint, url, "answered " + answer.describe()
                + " without the error object of RFC 6749 section 5.2");
    }

    @Override
    public void close() {
        http.close();
    }

}
