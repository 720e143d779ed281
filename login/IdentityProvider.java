import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.json.JSONArray;
import org.json.JSONObject;

/**
 * The identity provider, as its discovery document describes it, and the token request made to it.
 *
 * @param issuer                the {@code issuer}, equal to the configured Authority
 * @param issParameterSupported whether it promises {@code iss} in authorization responses (RFC 9207 §3)
 * @see <a href="https://openid.net/specs/openid-connect-discovery-1_0.html">OpenID Connect Discovery 1.0</a>
 */
public record IdentityProvider(String issuer, URI authorizationEndpoint, URI tokenEndpoint, Optional<URI> jwksUri,
        boolean issParameterSupported, Optional<URI> revocationEndpoint, List<String> idTokenSigningAlgorithms,
        Optional<URI> deviceAuthorizationEndpoint, Optional<URI> pushedAuthorizationRequestEndpoint,
        List<String> tokenEndpointAuthMethods, boolean requirePushedAuthorizationRequests, List<String> revocationEndpointAuthMethods) {

    /**
     * The ID token signature algorithms a client without a secret can check: asymmetric ones only (a
     * public client has no secret to check an HMAC with, and {@code none} is no signature at all).
     * EdDSA (Ed25519) needs Google Tink, as Nimbus does. {@link IdTokenValidator} accepts these.
     */
    static final List<String> ASYMMETRIC_ALGORITHMS = List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
            "ES512", "EdDSA", "Ed25519");

    /** How a login sends its authorization request: pushed first (RFC 9126) where the provider takes that, or never (--no-par). */
    public enum Push { WHERE_OFFERED, NEVER }

    /** Step 3's address, and how long it works when it refers to a pushed request (its {@code expires_in}). */
    public record Address(URI url, Optional<java.time.Duration> expiresIn) {
    }

    /** The longest request_uri a pushed request may give: the browser's address must stay well under 8 KiB. */
    static final int MAX_REQUEST_URI = 2048;

    /** Fetches and checks the discovery document of {@code config}'s authority (Discovery §4). */
    public static IdentityProvider discover(LoginConfig config, Http http) throws LoginException {
        return discover(config.authority(), config.authoritySource(), http);
    }

    /** The same for {@code authority} as it is. */
    public static IdentityProvider discover(URI authority, Http http) throws LoginException {
        return discover(authority, "the configured Authority", http);
    }

    /** Fetches and checks {@code {authority}/.well-known/openid-configuration} (Discovery §4); {@code source} says where authority came from. */
    public static IdentityProvider discover(URI authority, String source, Http http) throws LoginException {
        URI url = Urls.discoveryUrl(authority);
        Http.Answer answer = http.get(url, "discovery document");
        if (answer.status() != 200) {
            throw LoginException.providerInvalid("discovery document", url, "answered " + answer.describe()
                    + (answer.status() == 404 ? " (is Resource or Authority right? Resource is the address without a path,"
                            + " e.g. https://uswe.datahub.connect.aveva.com; Authority is the issuer itself)" : ""));
        }
        return fromDocument(answer.json("discovery document", url).body(), authority, source, url);
    }

    /**
     * The checks of a discovery document fetched from {@code url} for {@code authority} (Discovery
     * §4.3): its issuer must be the configured one, exactly (the configured one's scheme and host in
     * lower case, as {@link Urls#normalized} makes them).
     */
    static IdentityProvider fromDocument(JSONObject document, URI authority, String source, URI url) throws LoginException {
        String issuer = string(document, "issuer", url);
        if (!Urls.stripTrailingSlash(issuer).equals(Urls.stripTrailingSlash(authority.toString()))) {
            throw LoginException.providerInvalid("discovery document", url, "names the issuer '" + Log.printable(issuer)
                    + "', not the configured " + authority + " (" + source + "; OpenID Connect Discovery §4.3)"
                    + (source.startsWith("{Resource}") ? ". If '" + Log.printable(issuer) + "' is right, set Authority to it in"
                            + " [Configuration] (Resource and TenantId stay, and so do OCS's scope and tenant)" : ""));
        }
        JSONArray methods = document.optJSONArray("code_challenge_methods_supported");
        if (methods != null && !methods.toList().contains(PkceUtil.CODE_CHALLENGE_METHOD)) {
            throw LoginException.providerInvalid("discovery document", url, "lists code_challenge_methods_supported " + methods
                    + " without S256, the only PKCE method this client uses (RFC 7636 §4.2)");
        }
        return new IdentityProvider(issuer,
                endpoint(document, "authorization_endpoint", url).orElseThrow(() -> missing("authorization_endpoint", url)),
                endpoint(document, "token_endpoint", url).orElseThrow(() -> missing("token_endpoint", url)),
                endpoint(document, "jwks_uri", url),
                document.optBoolean("authorization_response_iss_parameter_supported", false),
                endpoint(document, "revocation_endpoint", url),
                strings(document, "id_token_signing_alg_values_supported"),
                endpoint(document, "device_authorization_endpoint", url),
                endpoint(document, "pushed_authorization_request_endpoint", url),
                strings(document, "token_endpoint_auth_methods_supported"),
                requiredPushes(document, url),
                strings(document, "revocation_endpoint_auth_methods_supported"));
    }

    /** RFC 9126 §5: {@code require_pushed_authorization_requests}, which needs the endpoint it requires. */
    private static boolean requiredPushes(JSONObject document, URI url) throws LoginException {
        boolean required = document.optBoolean("require_pushed_authorization_requests", false);
        if (required && !document.has("pushed_authorization_request_endpoint")) {
            throw LoginException.providerInvalid("discovery document", url, "requires pushed authorization requests"
                    + " (require_pushed_authorization_requests) but lists no pushed_authorization_request_endpoint (RFC 9126 §5)");
        }
        return required;
    }

    /**
     * The algorithms of {@link #ASYMMETRIC_ALGORITHMS} that the provider lists in its
     * {@code id_token_signing_alg_values_supported} (all of them when it lists none).
     */
    public List<String> checkableIdTokenAlgorithms() {
        return checkable(idTokenSigningAlgorithms);
    }

    /** The algorithms of {@link #ASYMMETRIC_ALGORITHMS} in {@code listed} (all of them when it is empty). */
    static List<String> checkable(List<String> listed) {
        return listed.isEmpty() ? ASYMMETRIC_ALGORITHMS : ASYMMETRIC_ALGORITHMS.stream().filter(listed::contains).toList();
    }

    /**
     * Whether a login with {@code policy} pushes its request here: where the provider takes pushed
     * requests; never with {@code --no-par}, which a provider that requires them refuses at once.
     */
    public boolean pushes(Push policy) throws LoginException {
        return switch (policy) {
            case WHERE_OFFERED -> pushedAuthorizationRequestEndpoint.isPresent();
            case NEVER -> {
                if (requirePushedAuthorizationRequests) {
                    throw new LoginException(LoginException.Exit.USAGE, "--no-par cannot sign in here: the provider requires pushed"
                            + " authorization requests (require_pushed_authorization_requests in its discovery document, RFC 9126 §5);"
                            + " leave --no-par out");
                }
                yield false;
            }
        };
    }

    /**
     * Whether a public client may revoke its tokens here: the revocation endpoint exists, and its list
     * of client authentication methods (RFC 8414 §2), when there is one, has {@code none}.
     */
    public boolean revokesForPublicClients() {
        return revocationEndpoint.isPresent() && (revocationEndpointAuthMethods.isEmpty() || revocationEndpointAuthMethods.contains("none"));
    }

    /**
     * Step 3's address, for the browser to open: the authorization request for {@code redirectUri}.
     * Where the provider takes pushed authorization requests (RFC 9126) and {@code push} allows, the
     * request goes to it first, so that a wrong client, redirect URI or scope fails now with the
     * provider's own error, and the browser gets a short address (client_id and request_uri) that
     * keeps PKCE and state out of its history.
     */
    public Address authorizationUrl(Http http, AuthorizationRequest request, URI redirectUri, boolean push, Log log) throws LoginException {
        if (!push || pushedAuthorizationRequestEndpoint.isEmpty()) {
            return new Address(request.toUri(authorizationEndpoint, redirectUri), Optional.empty());
        }
        URI endpoint = pushedAuthorizationRequestEndpoint.get();
        log.info("Pushing the authorization request to " + endpoint + " (RFC 9126"
                + (requirePushedAuthorizationRequests ? ", which this provider requires)" : "; --no-par sends it through the browser"
                + (request.extraParameters().isEmpty() ? ")" : ", which also helps where a provider ignores AuthParams in a pushed request)")));
        Http.Answer answer = http.post(endpoint, new LinkedHashMap<>(request.parameters(redirectUri)), "pushed authorization request endpoint");
        if (answer.status() != 201 && answer.status() != 200) {
            LoginException refused = refusal(answer, "the authorization request", "pushed authorization request endpoint", endpoint);
            if (refused instanceof LoginException.OAuthError oauth && !"invalid_scope".equals(oauth.error())) {
                throw oauth.because(Hints.clientAndRedirectUri(request.clientId(), redirectUri));
            }
            throw refused;
        }
        JSONObject body = answer.json("pushed authorization request endpoint", endpoint).body();
        if (!(body.opt("request_uri") instanceof String requestUri) || requestUri.isBlank()) {
            throw LoginException.providerInvalid("pushed authorization request endpoint", endpoint, "answered without a request_uri"
                    + " (RFC 9126 §2.2)");
        }
        if (requestUri.length() > MAX_REQUEST_URI) {
            throw LoginException.providerInvalid("pushed authorization request endpoint", endpoint, "answered with a request_uri of "
                    + requestUri.length() + " characters, too long for a browser's address (at most " + MAX_REQUEST_URI
                    + " here; RFC 9126 §2.2 makes it a short reference); --no-par sends the request through the browser instead");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("client_id", request.clientId());
        parameters.put("request_uri", requestUri);
        Optional<java.time.Duration> lifetime = body.opt("expires_in") instanceof Number seconds && seconds.longValue() > 0
                ? Optional.of(java.time.Duration.ofSeconds(Math.min(seconds.longValue(), 86_400))) : Optional.empty();
        return new Address(AuthorizationRequest.withQuery(authorizationEndpoint, parameters), lifetime);
    }

    /**
     * Step 5: redeems the authorization code, proving with the {@code code_verifier} that this is the
     * client that sent the {@code code_challenge} (RFC 6749 §4.1.3, RFC 7636 §4.5).
     *
     * @return the token response (RFC 6749 §5.1), which holds at least an {@code access_token}
     */
    public JSONObject exchangeCode(Http http, String clientId, String code, String codeVerifier, URI redirectUri)
            throws LoginException {
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("client_id", clientId);
        form.put("code_verifier", codeVerifier);
        form.put("code", code);
        form.put("redirect_uri", redirectUri.toString());
        return tokenResponse(http.post(tokenEndpoint, form, "token endpoint"), "the code");
    }

    /**
     * A new access token for a refresh token, without the user (RFC 6749 §6). The scope is left out,
     * so the new token has the scope of the old one.
     */
    public JSONObject refresh(Http http, String clientId, String refreshToken) throws LoginException {
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("client_id", clientId);
        form.put("refresh_token", refreshToken);
        return tokenResponse(http.post(tokenEndpoint, form, "token endpoint"), "the refresh token");
    }

    /**
     * A machine's access token, with the client's own credentials (RFC 6749 §4.4): the secret in an
     * HTTP Basic header ({@code client_secret_basic}, §2.3.1), or in the form when the provider lists
     * only {@code client_secret_post}. No scope is sent when {@code scope} is empty.
     */
    public JSONObject clientCredentials(Http http, String clientId, char[] secret, Optional<String> scope) throws LoginException {
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        scope.filter(value -> !value.isBlank()).ifPresent(value -> form.put("scope", value));
        boolean post = tokenEndpointAuthMethods.contains("client_secret_post") && !tokenEndpointAuthMethods.contains("client_secret_basic");
        if (post) {
            form.put("client_id", clientId);
            form.put("client_secret", new String(secret));
            return tokenResponse(http.post(tokenEndpoint, form, "token endpoint"), "the client's credentials");
        }
        String pair = java.net.URLEncoder.encode(clientId, java.nio.charset.StandardCharsets.UTF_8) + ":"
                + java.net.URLEncoder.encode(new String(secret), java.nio.charset.StandardCharsets.UTF_8);
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(pair.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return tokenResponse(http.post(tokenEndpoint, form, basic, "token endpoint"), "the client's credentials");
    }

    /**
     * Asks for a device code and a user code (RFC 8628 §3.1), at the device authorization endpoint,
     * which must be present.
     *
     * @return the answer (§3.2): device_code, user_code, verification_uri, expires_in, perhaps interval and verification_uri_complete
     */
    public JSONObject deviceAuthorization(Http http, AuthorizationRequest request) throws LoginException {
        URI endpoint = deviceAuthorizationEndpoint.orElseThrow();
        // PKCE is no part of RFC 8628, but binds the poll to this program too; providers that require it
        // for the client (Keycloak does) get it, and others ignore unknown parameters (RFC 6749 §3.1).
        Map<String, Object> form = new LinkedHashMap<>(request.commonParameters());
        Http.Answer answer = http.post(endpoint, form, "device authorization endpoint");
        if (answer.status() == 200) {
            return answer.json("device authorization endpoint", endpoint).body();
        }
        throw refusal(answer, "the device authorization request", "device authorization endpoint", endpoint);
    }

    /**
     * One poll for the tokens of a device code (RFC 8628 §3.4); while the user has not finished,
     * it is a {@link LoginException.TokenError} such as {@code authorization_pending} (§3.5).
     */
    public JSONObject pollDeviceCode(Http http, String clientId, String deviceCode, String codeVerifier) throws LoginException {
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("grant_type", "urn:ietf:params:oauth:grant-type:device_code");
        form.put("device_code", deviceCode);
        form.put("client_id", clientId);
        form.put("code_verifier", codeVerifier);
        return tokenResponse(http.post(tokenEndpoint, form, "token endpoint"), "the device code");
    }

    /**
     * Revokes a refresh token (RFC 7009 §2.1) at the revocation endpoint, which must be present. The
     * provider answers 200 whether or not the token was still valid, and whatever its body says
     * (§2.2): afterwards, it is not.
     */
    public void revoke(Http http, String clientId, String refreshToken) throws LoginException {
        URI endpoint = revocationEndpoint.orElseThrow();
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("token", refreshToken);
        form.put("token_type_hint", "refresh_token");
        form.put("client_id", clientId);
        Http.Answer answer = http.post(endpoint, form, "revocation endpoint");
        if (answer.status() == 401 || answer.status() == 403) {
            throw new LoginException.TokenError("the revocation of a public client", "revocation endpoint", answer.status(), answer.describe());
        }
        if (answer.status() != 200) {
            throw LoginException.providerInvalid("revocation endpoint", endpoint, "answered " + answer.describe()
                    + answer.object().map(body -> body.opt("error") instanceof String error ? " (" + Log.printable(error, 80) + ")" : "")
                            .orElse("") + "; the refresh token may still be valid");
        }
    }

    /** A successful token response (RFC 6749 §5.1), checked by {@link TokenCheck}; or the refusal as a typed failure (§5.2). */
    private JSONObject tokenResponse(Http.Answer answer, String refused) throws LoginException {
        if (answer.status() >= 200 && answer.status() < 300) {
            return answer.json("token endpoint", tokenEndpoint).body();
        }
        throw refusal(answer, refused, "token endpoint", tokenEndpoint);
    }

    /**
     * A refusal as a typed failure: with the error object of RFC 6749 §5.2, or any 4xx without one
     * (an empty 401, an HTML page), which still says no. Other answers are the endpoint's fault.
     */
    private static LoginException refusal(Http.Answer answer, String refused, String what, URI endpoint) {
        Optional<JSONObject> body = answer.object();
        if (answer.status() >= 500) { // the provider failed: it owes no error object, and nothing sent was refused
            String said = body.filter(json -> json.opt("error") instanceof String).map(json -> "HTTP " + answer.status() + ", "
                    + Log.printable(json.getString("error"), 60) + (json.opt("error_description") instanceof String description
                    ? ": " + Log.printable(description, 160) : "")).orElse(answer.describe());
            return new LoginException(LoginException.Exit.PROVIDER_UNREACHABLE, "The " + what + " at " + endpoint + " failed (" + said
                    + ") on " + refused + ": the provider's fault, not this client's");
        }
        if (body.isPresent() && body.get().opt("error") instanceof String error) {
            return new LoginException.TokenError(error.equals("invalid_scope") ? "the scope" : refused, what, answer.status(), error,
                    body.get().optString("error_description", null));
        }
        if (answer.status() >= 400) {
            return new LoginException.TokenError(refused, what, answer.status(), answer.describe());
        }
        return LoginException.providerInvalid(what, endpoint, "answered " + answer.describe()
                + " without the error object of RFC 6749 §5.2");
    }

    /** The strings of a list in the document; a missing list, or anything but strings in it, counts for nothing. */
    private static List<String> strings(JSONObject document, String name) {
        JSONArray list = document.optJSONArray(name);
        List<String> strings = new ArrayList<>();
        if (list != null) {
            for (Object item : list) {
                if (item instanceof String text) {
                    strings.add(text);
                }
            }
        }
        return List.copyOf(strings);
    }

    private static String string(JSONObject document, String name, URI source) throws LoginException {
        if (document.opt(name) instanceof String value && !value.isBlank()) {
            return value;
        }
        throw missing(name, source);
    }

    /** An endpoint must pass {@link Urls#providerUrlProblem}: https (or http on loopback), a host, no fragment. */
    private static Optional<URI> endpoint(JSONObject document, String name, URI source) throws LoginException {
        if (!document.has(name)) {
            return Optional.empty();
        }
        return Optional.of(Urls.providerUrl(string(document, name, source), name, "discovery document", source));
    }

    private static LoginException missing(String name, URI source) {
        return LoginException.providerInvalid("discovery document", source, "has no " + name);
    }
}
