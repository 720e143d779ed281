package cli;

import login.*;
import system.*;
import support.*;
import keycloak.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A person's login as a confidential client (issue 25: OCS's Hybrid clients, Keycloak's confidential
 * clients), against the scripted provider: every request of the login to the back channel
 * authenticates the client, PKCE and state stay, and a wrong secret is said as the cause.
 */
class HybridClientTest {

    private static final String SECRET = "s3cret-of-the-hybrid-client";
    private static final String BASIC = "Authorization: Basic "
            + Base64.getEncoder().encodeToString(("hybrid:" + SECRET).getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path folder;

    private ScriptedProvider provider;
    private final List<URI> opened = new ArrayList<>();

    @BeforeEach
    void startProvider() throws Exception {
        provider = new ScriptedProvider();
        provider.answer("/token", ScriptedProvider.json(200, new JSONObject().put("access_token", "person-token").put("token_type", "Bearer")
                .put("expires_in", 300).put("refresh_token", "person-refresh").toString()));
        provider.answer("/par", ScriptedProvider.json(201, new JSONObject().put("request_uri", "urn:example:pushed").put("expires_in", 60)
                .toString()));
        provider.answer("/revoke", ScriptedProvider.json(200, "{}"));
        provider.answer("/device", ScriptedProvider.json(200, new JSONObject().put("device_code", "the-device-code")
                .put("user_code", "WDJB-MJHT").put("verification_uri", provider.issuer() + "/verify").put("expires_in", 600)
                .put("interval", 1).toString()));
        provider.discoveryWith(document -> document.put("pushed_authorization_request_endpoint", provider.issuer() + "/par")
                .put("revocation_endpoint", provider.issuer() + "/revoke")
                .put("device_authorization_endpoint", provider.issuer() + "/device"));
    }

    @AfterEach
    void stopProvider() throws Exception {
        provider.close();
    }

    private Path secretFile(String secret) throws Exception {
        Path file = Files.writeString(folder.resolve("secret"), secret + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private Cli.Run login(String secret, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--authority", provider.issuer().toString(), "--client-id", "hybrid", "--scope",
                "ocsapi offline_access", "--redirect-uri", Cli.freeRedirectUri(), "--timeout", "20",
                "--cache-dir", folder.resolve("tokens").toString()));
        if (secret != null) {
            args.addAll(List.of("--client-secret-file", secretFile(secret).toString()));
        }
        args.addAll(List.of(extra));
        return Cli.run(provider.signingIn(opened), args.toArray(String[]::new));
    }

    private List<ScriptedProvider.Request> sent(String path) {
        return provider.requests.stream().filter(request -> request.path().equals(path)).toList();
    }

    @Test
    void everyBackChannelRequestOfAPersonsLoginAuthenticatesTheClient() throws Exception {
        provider.discoveryWith(document -> document.put("pushed_authorization_request_endpoint", provider.issuer() + "/par")
                .put("revocation_endpoint", provider.issuer() + "/revoke"));
        Cli.Run first = login(SECRET, "-v");
        assertEquals(0, first.exitCode(), first.toString());
        assertEquals("person-token\n", first.out());
        Cli.Run refreshed = login(SECRET, "--min-validity", "600", "-v");
        assertEquals(0, refreshed.exitCode(), refreshed.toString());
        assertTrue(refreshed.err().contains("Refreshing the access token"), refreshed.err());
        assertTrue(opened.size() == 1, "one browser for both runs: " + opened);
        Cli.Run logout = login(SECRET, "--logout", "-v");
        assertEquals(0, logout.exitCode(), logout.toString());

        ScriptedProvider.Request pushed = sent("/par").get(0);
        List<ScriptedProvider.Request> token = sent("/token");
        assertEquals(2, token.size(), "the exchange and the refresh");
        for (ScriptedProvider.Request request : List.of(pushed, token.get(0), token.get(1), sent("/revoke").get(0))) {
            assertTrue(request.head().contains(BASIC), "client_secret_basic on " + request.path() + ": " + request.head());
            assertFalse(request.body().contains(SECRET) || request.body().contains("client_secret"), request.body());
        }
        assertTrue(pushed.body().contains("code_challenge_method=S256") && pushed.body().contains("state=")
                && pushed.body().contains("nonce="), "PKCE, state and nonce stay: " + pushed.body());
        assertTrue(token.get(0).body().contains("grant_type=authorization_code") && token.get(0).body().contains("code_verifier="),
                token.get(0).body());
        assertTrue(token.get(1).body().contains("grant_type=refresh_token"), token.get(1).body());
        for (Cli.Run run : List.of(first, refreshed, logout)) {
            assertFalse(run.err().contains(SECRET) || run.out().contains(SECRET), "the secret is never shown, not even with -v: " + run);
        }
    }

    @Test
    void theDeviceFlowsRequestsAuthenticateTheClientToo() throws Exception {
        Cli.Run run = Cli.run(Browser.NONE, "--authority", provider.issuer().toString(), "--client-id", "hybrid", "--scope", "ocsapi",
                "--device", "--timeout", "30", "--no-cache", "--client-secret-file", secretFile(SECRET).toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(sent("/device").get(0).head().contains(BASIC), sent("/device").get(0).head());
        assertTrue(sent("/token").get(0).head().contains(BASIC), sent("/token").get(0).head());
    }

    @Test
    void whereOnlyThePostMethodIsListedTheSecretGoesInTheForm() throws Exception {
        provider.discoveryWith(document -> document.put("token_endpoint_auth_methods_supported", List.of("client_secret_post")));
        Cli.Run run = login(SECRET, "--no-cache");
        assertEquals(0, run.exitCode(), run.toString());
        ScriptedProvider.Request exchange = sent("/token").get(0);
        assertTrue(exchange.body().contains("client_id=hybrid") && exchange.body().contains("client_secret=" + SECRET)
                && exchange.body().contains("code_verifier="), exchange.body());
        assertFalse(exchange.head().contains("Authorization:"), exchange.head());
    }

    @Test
    void aWrongSecretIsRefusedAtThePushedRequestBeforeAnyBrowser() throws Exception {
        provider.discoveryWith(document -> document.put("pushed_authorization_request_endpoint", provider.issuer() + "/par"));
        provider.answer("/par", ScriptedProvider.json(401, new JSONObject().put("error", "invalid_client")
                .put("error_description", "Invalid client or Invalid client credentials").toString()));
        Cli.Run run = login("not-the-secret");
        assertEquals(LoginException.Exit.AUTHORIZATION_FAILED.code, run.exitCode(), run.toString());
        assertTrue(opened.isEmpty(), "no browser was opened: " + opened);
        String line = run.errorLines().get(0);
        assertTrue(line.contains("the client's secret") && line.contains("invalid_client")
                && line.contains("Invalid client or Invalid client credentials"), "the provider's words, and the secret as the cause: " + line);
        assertTrue(line.contains("OCS_LOGIN_CLIENT_SECRET") && line.contains("is client hybrid's"), line);
        assertFalse(line.contains("not-the-secret"), line);
        assertTrue(sent("/token").isEmpty(), "nothing more was sent");
    }

    @Test
    void aWrongSecretAtTheExchangeNamesTheSecretNotTheCode() throws Exception {
        provider.answer("/token", ScriptedProvider.json(401, new JSONObject().put("error", "invalid_client").toString()));
        Cli.Run run = login("not-the-secret", "--no-par");
        assertEquals(LoginException.Exit.TOKEN_REJECTED.code, run.exitCode(), run.toString());
        String line = run.errorLines().get(0);
        assertTrue(line.contains("the client's secret") && line.contains("is client hybrid's"), line);
        assertFalse(line.contains("the code") || line.contains("not-the-secret"), line);
    }

    /** A refresh refused for the client's secret (a wrong or expired one) keeps the tokens: a sign-in would be refused too. */
    @Test
    void aRefreshRefusedForTheSecretKeepsTheTokensAndNamesTheSecret() throws Exception {
        assertEquals(0, login(SECRET, "--no-par").exitCode());
        provider.answer("/token", ScriptedProvider.json(401, new JSONObject().put("error", "invalid_client")
                .put("error_description", "client secret expired").toString()));
        Cli.Run run = login("an-old-secret", "--min-validity", "600", "--no-par");
        assertEquals(LoginException.Exit.TOKEN_REJECTED.code, run.exitCode(), run.toString());
        assertEquals(1, opened.size(), "no browser: a sign-in cannot mend a secret");
        String line = run.errorLines().get(0);
        assertTrue(line.contains("refused the client's secret (HTTP 401): invalid_client (client secret expired)")
                && line.contains("is client hybrid's") && line.endsWith("the cached tokens were kept"), line);
        assertTrue(Cli.run(Browser.NONE, "--status", "--cache-dir", folder.resolve("tokens").toString()).out().contains("refresh token: yes"),
                "the entry is still there");
    }

    /** --logout with a wrong secret keeps the tokens: with the right one, the refresh token can still be revoked. */
    @Test
    void aLogoutRefusedForTheSecretKeepsTheTokensAndNamesTheSecret() throws Exception {
        assertEquals(0, login(SECRET, "--no-par").exitCode());
        provider.answer("/revoke", ScriptedProvider.json(401, new JSONObject().put("error", "invalid_client").toString()));
        Cli.Run run = login("not-the-secret", "--logout");
        assertEquals(LoginException.Exit.AUTHORIZATION_FAILED.code, run.exitCode(), run.toString());
        String line = run.errorLines().get(0);
        assertTrue(line.contains("The revocation endpoint refused the client's secret (HTTP 401)") && line.contains("is client hybrid's")
                && line.contains("the cached tokens were kept: run --logout again"), line);
    }

    @Test
    void aConfidentialClientWithoutItsSecretIsToldWhereTheSecretGoes() throws Exception {
        provider.answer("/par", ScriptedProvider.json(401, new JSONObject().put("error", "invalid_client")
                .put("error_description", "Client authentication required").toString()));
        Cli.Run run = login(null);
        assertEquals(LoginException.Exit.AUTHORIZATION_FAILED.code, run.exitCode(), run.toString());
        assertTrue(opened.isEmpty(), "no browser was opened: " + opened);
        String line = run.errorLines().get(0);
        assertTrue(line.contains("needs its secret") && line.contains("OCS_LOGIN_CLIENT_SECRET") && line.contains("ClientSecretFile"), line);
    }

    @Test
    void statusShowsTheClientKindAndNeverTheSecret() throws Exception {
        assertEquals(0, login(SECRET).exitCode());
        provider.answer("/token", ScriptedProvider.json(200, new JSONObject().put("access_token", "public-token").put("token_type", "Bearer")
                .put("expires_in", 300).toString()));
        Cli.Run publicLogin = Cli.run(provider.signingIn(opened), "--authority", provider.issuer().toString(), "--client-id", "public-one",
                "--redirect-uri", Cli.freeRedirectUri(), "--scope", "ocsapi", "--cache-dir", folder.resolve("tokens").toString());
        assertEquals(0, publicLogin.exitCode(), publicLogin.toString());

        Cli.Run status = Cli.run(Browser.NONE, "--status", "--cache-dir", folder.resolve("tokens").toString());
        assertTrue(status.out().lines().anyMatch(line -> line.contains("client hybrid (confidential)") && line.endsWith("refresh token: yes")),
                status.out());
        assertTrue(status.out().lines().anyMatch(line -> line.contains("client public-one (public)") && line.endsWith("refresh token: no")),
                status.out());
        JSONArray json = new JSONArray(Cli.run(Browser.NONE, "--status", "-o", "json", "--cache-dir", folder.resolve("tokens").toString()).out());
        List<String> kinds = new ArrayList<>();
        json.forEach(entry -> kinds.add(((JSONObject) entry).getString("client_id") + " " + ((JSONObject) entry).getString("client")));
        assertTrue(kinds.containsAll(List.of("hybrid confidential", "public-one public")), kinds.toString());
        Cli.Run asJson = login(SECRET, "-o", "json");
        try (var files = Files.list(folder.resolve("tokens"))) {
            for (Path file : files.toList()) {
                assertFalse(Files.readString(file).contains(SECRET), "never in the cache: " + file);
            }
        }
        assertFalse(status.out().contains(SECRET) || asJson.out().contains(SECRET), "never in --status or -o json");
    }
}
