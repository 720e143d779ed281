package login;

import system.*;
import support.*;
import keycloak.*;
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

    private static final String TENANT = "0a1b2c3d-1234-5678-9abc-def012345678";
    private static final URI REDIRECT_URI = URI.create("http://localhost:5004/callback.html");

    /** A config as the command line makes it: OCS with a tenant, or another provider without one. */
    private static LoginConfig config(String tenantId) {
        boolean ocs = tenantId != null;
        return new LoginConfig(URI.create(ocs ? "https://ocs.example/identity" : "https://ocs.example/identity"), "test", ocs,
                "my client&id=é", Optional.ofNullable(tenantId), "openid ocsapi", "test", REDIRECT_URI, Optional.empty(), Map.of(),
                Optional.empty(), LoginConfig.TokenStore.FILE, Optional.empty(), Optional.empty(), "test",
                java.util.List.of());
    }

    @Test
    void authorizationUrlCarriesEveryParameterOfTheFlow() {
        AuthorizationRequest request = AuthorizationRequest.create(config(TENANT));
        Map<String, String> query = Queries.query(request.toUri(ENDPOINT, REDIRECT_URI));
        assertEquals("code", query.get("response_type"));
        assertEquals("my client&id=é", query.get("client_id"));
        assertEquals("http://localhost:5004/callback.html", query.get("redirect_uri"));
        assertEquals("openid ocsapi", query.get("scope"));
        assertEquals(request.state(), query.get("state"));
        assertEquals(request.nonce(), query.get("nonce"));
        assertEquals(PkceUtil.codeChallenge(request.codeVerifier()), query.get("code_challenge"));
        assertEquals("S256", query.get("code_challenge_method"));
        assertEquals("tenant:" + TENANT, query.get("acr_values"));
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
        assertFalse(Queries.query(AuthorizationRequest.create(config(null)).toUri(ENDPOINT, REDIRECT_URI)).containsKey("acr_values"));
    }

    /**
     * OpenID Connect Core §11 asks for prompt=consent with offline_access (ProviderBehaviourTest); OCS
     * grants it to a Hybrid client with refresh tokens allowed, and its tenant sign-in has no consent page.
     */
    @Test
    void offlineAccessAddsNoConsentPromptForOcs() {
        LoginConfig ocs = new LoginConfig(URI.create("https://ocs.example/identity"), "test", true, "hybrid", Optional.of(TENANT),
                "openid ocsapi offline_access", "test", REDIRECT_URI, Optional.empty(), Map.of(), Optional.empty(), LoginConfig.TokenStore.FILE, Optional.empty(), Optional.empty(), "test",
                java.util.List.of());
        Map<String, String> query = Queries.query(AuthorizationRequest.create(ocs).toUri(ENDPOINT, REDIRECT_URI));
        assertEquals("openid ocsapi offline_access", query.get("scope"));
        assertFalse(query.containsKey("prompt"), query.toString());
    }

    @Test
    void aQueryTheEndpointAlreadyHasIsKept() {
        URI url = AuthorizationRequest.create(config(null)).toUri(URI.create("https://idp.example/authorize?p=policy1"), REDIRECT_URI);
        assertEquals("policy1", Queries.query(url).get("p"));
        assertEquals("code", Queries.query(url).get("response_type"));
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
