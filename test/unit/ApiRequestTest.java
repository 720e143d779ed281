package api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Where `ocs-login api PATH` sends the token: under ApiBase, on its origin only, the path's placeholders filled (issue 27). */
class ApiRequestTest {

    private static final Optional<URI> OCS = Optional.of(URI.create("https://uswe.datahub.connect.aveva.com/api/v1"));
    private static final Map<String, String> VALUES = Map.of("tenant", "0a1b2c3d-1234-5678-9abc-def012345678", "client_id", "my client");

    private static ApiRequest get(String path) {
        return new ApiRequest("GET", path, Optional.empty(), List.of(), false);
    }

    private static URI url(String path) throws ApiFailure {
        return get(path).url(OCS, VALUES);
    }

    @Test
    void aRelativePathGoesUnderTheBaseWithItsPlaceholdersFilled() throws ApiFailure {
        assertEquals(URI.create("https://uswe.datahub.connect.aveva.com/api/v1/Tenants/0a1b2c3d-1234-5678-9abc-def012345678/Namespaces"),
                url("Tenants/{tenant}/Namespaces"));
        assertEquals("/api/v1/Clients/my%20client", url("Clients/{client_id}").getRawPath(), "a value is one encoded path segment");
        assertEquals("count=10", url("Tenants/{tenant}/Namespaces?count=10").getRawQuery());
    }

    @Test
    void anAbsolutePathAndAUrlStayOnTheBasesOrigin() throws ApiFailure {
        assertEquals(URI.create("https://uswe.datahub.connect.aveva.com:443/api/v2/x"), url("/api/v2/x"));
        assertEquals(URI.create("https://uswe.datahub.connect.aveva.com/api/v1/y"), url("https://uswe.datahub.connect.aveva.com/api/v1/y"));
        for (String elsewhere : List.of("https://evil.example/api/v1/x", "//evil.example/x", "http://uswe.datahub.connect.aveva.com/api/v1/x",
                "https://uswe.datahub.connect.aveva.com:8443/x", "https://uswe.datahub.connect.aveva.com.evil.example/x")) {
            ApiFailure e = assertThrows(ApiFailure.class, () -> url(elsewhere), elsewhere);
            assertEquals(ApiFailure.Kind.USAGE, e.kind());
            assertTrue(e.getMessage().contains("api sends the access token to https://uswe.datahub.connect.aveva.com:443 (ApiBase's origin)"
                    + " only"), e.getMessage());
        }
    }

    @Test
    void anUnknownOrUnsetPlaceholderAndNoBaseAreSaid() {
        ApiFailure unknown = assertThrows(ApiFailure.class, () -> url("Tenants/{tennant}/Namespaces"));
        assertTrue(unknown.getMessage().contains("{tennant}, which is not one of {client_id}, {tenant}"), unknown.getMessage());
        ApiFailure unset = assertThrows(ApiFailure.class, () -> get("Tenants/{tenant}").url(OCS, Map.of("client_id", "c")));
        assertTrue(unset.getMessage().contains("TenantId is not set"), unset.getMessage());
        ApiFailure none = assertThrows(ApiFailure.class, () -> get("x").url(Optional.empty(), VALUES));
        assertEquals(ApiFailure.Kind.NO_BASE, none.kind());
    }

    @Test
    void theMethodAndTheHeadersAreCheckedAndTheTokensHeaderIsTheTools() {
        for (ApiRequest wrong : List.of(new ApiRequest("GE T", "x", Optional.empty(), List.of(), false),
                new ApiRequest("GET", "x", Optional.empty(), List.of("no colon"), false),
                new ApiRequest("GET", "x", Optional.empty(), List.of("Authorization: Bearer other"), false),
                new ApiRequest("GET", "x", Optional.empty(), List.of("X-A: b\r\nHost: evil"), false))) {
            assertEquals(ApiFailure.Kind.USAGE, assertThrows(ApiFailure.class, wrong::check).kind(), wrong.toString());
        }
    }

    @Test
    void theApisOwnWordsAreFoundInItsErrorBody() {
        assertEquals(Optional.of("Not found; Namespace 'x' does not exist"),
                ApiCall.message("{\"OperationId\":\"1\",\"Message\":\"Not found\",\"Reason\":\"Namespace 'x' does not exist\"}"));
        assertEquals(Optional.of("invalid_token"), ApiCall.message("{\"error\":\"invalid_token\"}"));
        assertEquals(Optional.empty(), ApiCall.message("<html>x</html>"));
        assertTrue(ApiCall.message("plain words\u001b[31m").orElseThrow().startsWith("plain words"));
        assertTrue(ApiCall.message("plain words\u001b[31m").orElseThrow().chars().noneMatch(c -> c == 0x1b), "no raw escape on the terminal");
    }
}
