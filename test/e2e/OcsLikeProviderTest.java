package cli;

import login.*;
import system.*;
import support.*;
import keycloak.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import kong.unirest.core.Unirest;
import kong.unirest.core.UnirestInstance;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The login through Resource and TenantId, as OCS users configure it, against oidc-provider set up
 * like OCS (test/e2e/oidc-provider/ocs.mjs: the issuer at {Resource}/identity, acr_values=tenant:...
 * required, an Authorization Code client that never gets a refresh token, and a Hybrid client that
 * does). Issue 25: with the Hybrid client's secret, a person signs in once and the next runs refresh
 * with no browser.
 */
class OcsLikeProviderTest {

    @TempDir
    Path folder;

    private Chromium chromium;
    private final List<URI> opened = new ArrayList<>();

    @BeforeEach
    void start() {
        TestOidcProvider.ocs();
        chromium = Chromium.start();
    }

    @AfterEach
    void stopBrowser() {
        chromium.close();
    }

    /** Signs in at the OCS-like provider (its development sign-in, and the consent page it adds for offline_access). */
    private final Browser signingIn = url -> {
        opened.add(url);
        chromium.driver.get(url.toString());
        SignIn.oidcProvider(chromium.driver, "ocs-user");
        SignIn.awaitCallbackPage(chromium.driver, "http://localhost:5004/callback.html");
    };

    private Cli.Run run(String clientId, String... extra) {
        List<String> args = new ArrayList<>(List.of("--resource", TestOidcProvider.ocs().toString(), "--tenant-id",
                TestOidcProvider.OCS_TENANT, "--client-id", clientId, "--cache-dir", folder.resolve("tokens").toString(), "--timeout", "60"));
        args.addAll(List.of(extra));
        return Cli.run(signingIn, args.toArray(String[]::new));
    }

    private String hybridSecretFile() throws Exception {
        Path file = folder.resolve("hybrid-secret");
        if (!Files.exists(file)) {
            Files.writeString(file, TestOidcProvider.OCS_HYBRID_SECRET + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        return file.toString();
    }

    private Cli.Run hybrid(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--client-secret-file", hybridSecretFile()));
        args.addAll(List.of(extra));
        return run(TestOidcProvider.OCS_HYBRID_CLIENT, args.toArray(String[]::new));
    }

    private static int userinfo(String accessToken) {
        try (UnirestInstance unirest = Unirest.spawnInstance()) {
            return unirest.get(TestOidcProvider.ocs() + "/identity/connect/userinfo").header("Authorization", "Bearer " + accessToken)
                    .asEmpty().getStatus();
        }
    }

    private JSONObject cached() throws Exception {
        try (var files = Files.list(folder.resolve("tokens"))) {
            Path entry = files.filter(file -> file.toString().endsWith(".json")).findFirst().orElseThrow();
            return new JSONObject(Files.readString(entry)).getJSONObject("tokens");
        }
    }

    /** The stand-in is as strict as OCS: an authorization request without the tenant is refused. */
    @Test
    void theProviderRefusesARequestWithoutTheTenant() {
        try (UnirestInstance unirest = Unirest.spawnInstance()) {
            unirest.config().followRedirects(false);
            String without = TestOidcProvider.ocs() + "/identity/connect/authorize?response_type=code&client_id="
                    + TestOidcProvider.OCS_AUTHORIZATION_CODE_CLIENT + "&redirect_uri=http%3A%2F%2Flocalhost%3A5004%2Fcallback.html"
                    + "&scope=openid&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256";
            assertEquals(400, unirest.get(without).asEmpty().getStatus());
            assertEquals(303, unirest.get(without + "&acr_values=tenant%3A" + TestOidcProvider.OCS_TENANT).asEmpty().getStatus(),
                    "with the tenant, on to the sign-in");
        }
    }

    @Test
    void anAuthorizationCodeClientGetsNoRefreshTokenAndTheLineNamesHybridClients() throws Exception {
        Cli.Run login = run(TestOidcProvider.OCS_AUTHORIZATION_CODE_CLIENT);
        assertEquals(0, login.exitCode(), login.toString());
        assertTrue(login.err().contains("Step 1: Fetching the provider's configuration from " + TestOidcProvider.ocs()
                + "/identity/.well-known/openid-configuration"), login.err());
        assertEquals(TestOidcProvider.OCS_TENANT.length() + 7, Queries.query(opened.get(0)).get("acr_values").length());
        assertEquals("openid ocsapi", Queries.query(opened.get(0)).get("scope"), "the default scope for OCS without a secret");
        assertEquals(200, userinfo(login.out().strip()), "the provider accepts the token");
        assertFalse(cached().has("refresh_token"), cached().toString());
        assertTrue(login.err().contains("This OCS client gets no refresh token (an Authorization Code client never does)")
                && login.err().contains("a Hybrid client stays signed in (README, \"Stay signed in on OCS\")"), login.err());

        Cli.Run again = run(TestOidcProvider.OCS_AUTHORIZATION_CODE_CLIENT, "--min-validity", "86400");
        assertEquals(0, again.exitCode(), again.toString());
        assertEquals(2, opened.size(), "signed in again in the browser");
        assertTrue(again.err().contains("this client gets no refresh token (an OCS Authorization Code client never does; a Hybrid"
                + " client, with a client secret and offline_access, does: see the README, \"Stay signed in on OCS\")"), again.err());
    }

    @Test
    void aHybridClientSignsInOnceAndTheNextRunsRefreshWithoutABrowser() throws Exception {
        Cli.Run login = hybrid("-v");
        assertEquals(0, login.exitCode(), login.toString());
        Map<String, String> query = Queries.query(opened.get(0));
        assertEquals("openid ocsapi offline_access", query.get("scope"), "the default scope for OCS with a secret");
        assertEquals("tenant:" + TestOidcProvider.OCS_TENANT, query.get("acr_values"));
        assertFalse(query.containsKey("prompt"), "no consent asked for OCS: " + query);
        assertFalse(login.err().contains("no refresh token"), login.err());
        assertEquals(200, userinfo(login.out().strip()));
        String refreshToken = cached().getString("refresh_token");

        Cli.Run refreshed = hybrid("--min-validity", "86400", "-v", "-o", "json");
        assertEquals(0, refreshed.exitCode(), refreshed.toString());
        assertEquals(1, opened.size(), "no browser for the refresh: " + refreshed.err());
        assertTrue(refreshed.err().contains("Refreshing the access token at " + TestOidcProvider.ocs() + "/identity/connect/token"),
                refreshed.err());
        String access = new JSONObject(refreshed.out()).getString("access_token");
        assertNotEquals(login.out().strip(), access);
        assertEquals(200, userinfo(access));

        Cli.Run status = Cli.run(Browser.NONE, "--status", "--cache-dir", folder.resolve("tokens").toString());
        assertTrue(status.out().contains("client " + TestOidcProvider.OCS_HYBRID_CLIENT + " (confidential)  tenant "
                + TestOidcProvider.OCS_TENANT + "  scope 'openid ocsapi offline_access'  user ocs-user") && status.out().strip()
                .endsWith("refresh token: yes"), status.out());
        JSONArray json = new JSONArray(Cli.run(Browser.NONE, "--status", "-o", "json", "--cache-dir", folder.resolve("tokens").toString())
                .out());

        String beforeLogout = cached().getString("refresh_token");
        Cli.Run logout = hybrid("--logout", "-v");
        assertEquals(0, logout.exitCode(), logout.toString());
        assertTrue(logout.err().contains("Revoked the refresh token at " + TestOidcProvider.ocs() + "/identity/connect/revocation"),
                logout.err());
        try (UnirestInstance unirest = Unirest.spawnInstance()) {
            for (String token : List.of(beforeLogout, refreshToken)) {
                JSONObject answer = new JSONObject(unirest.post(TestOidcProvider.ocs() + "/identity/connect/token")
                        .basicAuth(TestOidcProvider.OCS_HYBRID_CLIENT, TestOidcProvider.OCS_HYBRID_SECRET)
                        .field("grant_type", "refresh_token").field("refresh_token", token).asString().getBody());
                assertEquals("invalid_grant", answer.optString("error"), "revoked with the client's authentication: " + answer);
            }
        }

        String secret = TestOidcProvider.OCS_HYBRID_SECRET;
        for (Cli.Run run : List.of(login, refreshed, logout, status)) {
            assertFalse(run.err().contains(secret) || run.out().contains(secret), "the secret is never shown, even with -v: " + run);
        }
        assertFalse(json.toString().contains(secret), "never in --status -o json");
        try (var files = Files.walk(folder.resolve("tokens"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertFalse(Files.readString(file, StandardCharsets.ISO_8859_1).contains(secret), "never in the cache: " + file);
            }
        }
    }
}
