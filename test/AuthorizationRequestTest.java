import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthorizationRequestTest {

    private static final URI ENDPOINT = URI.create("https://ocs.example/identity/connect/authorize");

    private static final URI REDIRECT_URI = URI.create("http://localhost:5004/callback.html");

    private static LoginConfig config(String tenantId) {
        return new LoginConfig(URI.create("https://ocs.example/identity"), "my client&id=é", Optional.ofNullable(tenantId),
                "openid ocsapi", URI.create("http://localhost:5004/callback.html"), Optional.empty(), "the default for OCS");
    }

    /** Parses the query back, failing on repeated parameters. */
    static Map<String, String> query(URI url) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : url.getRawQuery().split("&")) {
            String[] nameValue = pair.split("=", 2);
            String previous = parameters.put(URLDecoder.decode(nameValue[0], StandardCharsets.UTF_8),
                    URLDecoder.decode(nameValue[1], StandardCharsets.UTF_8));
            assertEquals(null, previous, "repeated parameter " + nameValue[0]);
        }
        return parameters;
    }

    @Test
    void authorizationUrlCarriesEveryParameterOfTheFlow() {
        AuthorizationRequest request = AuthorizationRequest.create(config("tenant-42"));
        Map<String, String> query = query(request.toUri(ENDPOINT, REDIRECT_URI));
        assertEquals("code", query.get("response_type"));
        assertEquals("my client&id=é", query.get("client_id"));
        assertEquals("http://localhost:5004/callback.html", query.get("redirect_uri"));
        assertEquals("openid ocsapi", query.get("scope"));
        assertEquals(request.state(), query.get("state"));
        assertEquals(request.nonce(), query.get("nonce"));
        assertEquals(PkceUtil.codeChallenge(request.codeVerifier()), query.get("code_challenge"));
        assertEquals("S256", query.get("code_challenge_method"));
        assertEquals("tenant:tenant-42", query.get("acr_values"));
        assertEquals(9, query.size(), "no other parameter, and never the code_verifier: " + query.keySet());
    }

    @Test
    void everyValueIsPercentEncoded() {
        String raw = AuthorizationRequest.create(config("a b&c")).toUri(ENDPOINT, REDIRECT_URI).getRawQuery();
        assertTrue(raw.contains("client_id=my+client%26id%3D%C3%A9"), raw);
        assertTrue(raw.contains("redirect_uri=http%3A%2F%2Flocalhost%3A5004%2Fcallback.html"), raw);
        assertTrue(raw.contains("scope=openid+ocsapi"), raw);
        assertTrue(raw.contains("acr_values=tenant%3Aa+b%26c"), raw);
    }

    @Test
    void acrValuesOnlyWhenATenantIsSet() {
        assertFalse(query(AuthorizationRequest.create(config(null)).toUri(ENDPOINT, REDIRECT_URI)).containsKey("acr_values"));
    }

    @Test
    void aQueryTheEndpointAlreadyHasIsKept() {
        URI url = AuthorizationRequest.create(config(null)).toUri(URI.create("https://idp.example/authorize?p=policy1"), REDIRECT_URI);
        assertEquals("policy1", query(url).get("p"));
        assertEquals("code", query(url).get("response_type"));
    }

    @Test
    void everyLoginGetsAFreshVerifierStateAndNonce() {
        AuthorizationRequest first = AuthorizationRequest.create(config(null));
        AuthorizationRequest second = AuthorizationRequest.create(config(null));
        assertNotEquals(first.codeVerifier(), second.codeVerifier());
        assertNotEquals(first.state(), second.state());
        assertNotEquals(first.nonce(), second.nonce());
    }

    @Test
    void toStringNeverShowsTheCodeVerifier() {
        AuthorizationRequest request = AuthorizationRequest.create(config(null));
        assertFalse(request.toString().contains(request.codeVerifier()));
    }
}
