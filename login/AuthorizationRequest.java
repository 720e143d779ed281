package login;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One authorization request (RFC 6749 §4.1.1) with PKCE (RFC 7636 §4.3) and the OpenID Connect
 * {@code nonce}, holding the single-use secrets of this login. The redirect URI is not one of its
 * parts: it is the callback server's, known once the server listens.
 */
public record AuthorizationRequest(String clientId, String scope, Optional<String> tenantId, Map<String, String> extraParameters,
        String state, String nonce, String codeVerifier) {

    /**
     * A request with a fresh {@code code_verifier}, {@code state} and {@code nonce}, and the
     * parameters the provider needs besides the flow's: {@code AuthParams}, and {@code prompt=consent}
     * with {@code offline_access}, which OpenID Connect Core §11 requires for a refresh token that
     * outlives the session (a strict provider otherwise grants the scope without offline access);
     * not for OCS, which grants it to a Hybrid client allowed refresh tokens, with no consent page.
     */
    public static AuthorizationRequest create(LoginConfig config) {
        Map<String, String> extra = new LinkedHashMap<>(config.authParams());
        if (config.scopes().contains("offline_access") && !config.ocs()) { // OCS grants it to a Hybrid client without a consent page
            String prompt = extra.getOrDefault("prompt", "").strip();
            if (!java.util.List.of(prompt.split("\\s+")).contains("consent")) {
                extra.put("prompt", (prompt + " consent").strip());
            }
        }
        return new AuthorizationRequest(config.clientId(), config.scope(), config.tenantId(), Map.copyOf(extra), newState(), newNonce(),
                PkceUtil.newCodeVerifier());
    }

    /**
     * A fresh {@code state}: binds the authorization response to this login (CSRF protection).
     *
     * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-10.12">RFC 6749 §10.12</a>
     */
    static String newState() {
        return PkceUtil.randomBase64Url(32);
    }

    /**
     * A fresh {@code nonce}: binds the ID token to this login (replay protection).
     *
     * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#NonceNotes">OpenID Connect Core §15.5.2</a>
     */
    static String newNonce() {
        return PkceUtil.randomBase64Url(32);
    }

    String codeChallenge() {
        return PkceUtil.codeChallenge(codeVerifier);
    }

    /**
     * What every request of this login says, whichever way it goes (the browser, a pushed request,
     * the device flow): the client, the scope, the PKCE challenge, the OCS tenant as
     * {@code acr_values}, and the extra parameters.
     */
    Map<String, String> commonParameters() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("client_id", clientId);
        parameters.put("scope", scope);
        parameters.put("code_challenge", codeChallenge());
        parameters.put("code_challenge_method", PkceUtil.CODE_CHALLENGE_METHOD);
        tenantId.ifPresent(tenant -> parameters.put("acr_values", "tenant:" + tenant));
        parameters.putAll(new java.util.TreeMap<>(extraParameters));
        return parameters;
    }

    /** The parameters of the authorization request for {@code redirectUri}: the common ones, and the code flow's own. */
    Map<String, String> parameters(URI redirectUri) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("response_type", "code");
        parameters.put("redirect_uri", redirectUri.toString());
        parameters.put("state", state);
        parameters.put("nonce", nonce);
        parameters.putAll(commonParameters());
        return parameters;
    }

    /**
     * The URL the browser opens, sending the user back to {@code redirectUri}. Parameters are
     * form-encoded (RFC 6749 Appendix B), and appended to a query the endpoint may already have (§3.1).
     */
    URI toUri(URI authorizationEndpoint, URI redirectUri) {
        return withQuery(authorizationEndpoint, parameters(redirectUri));
    }

    /** {@code endpoint} with {@code parameters} form-encoded into its query (after the query it may have). */
    static URI withQuery(URI endpoint, Map<String, String> parameters) {
        String query = parameters.entrySet().stream()
                .map(p -> encode(p.getKey()) + "=" + encode(p.getValue()))
                .collect(Collectors.joining("&"));
        return URI.create(endpoint + (endpoint.getRawQuery() == null ? "?" : "&") + query);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Never prints the code verifier, the one secret of the request. */
    @Override
    public String toString() {
        return "AuthorizationRequest[clientId=" + clientId + ", scope=" + scope
                + ", tenantId=" + tenantId.orElse("-") + ", state=" + state + ", nonce=" + nonce + ", codeVerifier=(hidden)]";
    }
}
