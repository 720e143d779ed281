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
public record AuthorizationRequest(String clientId, String scope, Optional<String> tenantId,
        String state, String nonce, String codeVerifier) {

    /** A request with a fresh {@code code_verifier}, {@code state} and {@code nonce}. */
    public static AuthorizationRequest create(LoginConfig config) {
        return new AuthorizationRequest(config.clientId(), config.scope(), config.tenantId(),
                PkceUtil.newState(), PkceUtil.newNonce(), PkceUtil.newCodeVerifier());
    }

    public String codeChallenge() {
        return PkceUtil.codeChallenge(codeVerifier);
    }

    /**
     * The URL the browser opens, sending the user back to {@code redirectUri}. Parameters are
     * form-encoded (RFC 6749 Appendix B), and appended to a query the endpoint may already have (§3.1).
     */
    public URI toUri(URI authorizationEndpoint, URI redirectUri) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("response_type", "code");
        parameters.put("client_id", clientId);
        parameters.put("redirect_uri", redirectUri.toString());
        parameters.put("scope", scope);
        parameters.put("state", state);
        parameters.put("nonce", nonce);
        parameters.put("code_challenge", codeChallenge());
        parameters.put("code_challenge_method", PkceUtil.CODE_CHALLENGE_METHOD);
        tenantId.ifPresent(tenant -> parameters.put("acr_values", "tenant:" + tenant));
        String query = parameters.entrySet().stream()
                .map(p -> encode(p.getKey()) + "=" + encode(p.getValue()))
                .collect(Collectors.joining("&"));
        String separator = authorizationEndpoint.getRawQuery() == null ? "?" : "&";
        return URI.create(authorizationEndpoint + separator + query);
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
