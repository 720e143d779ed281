package cli;

import login.*;
import system.*;
import support.*;
import keycloak.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Standard provider behaviours that Keycloak does not show, against the scripted provider: refusals
 * that are not RFC 6749 JSON, answers that are not JSON, pushed authorization requests refused,
 * providers without a device endpoint or a refresh token, an issuer written in another case.
 */
class ProviderBehaviourTest {

    @TempDir
    Path cache;

    private ScriptedProvider provider;
    /** The authorization URLs the browser was sent to. */
    private final List<URI> opened = new ArrayList<>();

    @BeforeEach
    void startProvider() throws Exception {
        provider = new ScriptedProvider();
        provider.answer("/token", ScriptedProvider.json(200, tokens("new-access-token", "new-refresh-token")));
    }

    @AfterEach
    void stopProvider() throws Exception {
        provider.close();
    }

    private static String tokens(String accessToken, String refreshToken) {
        JSONObject tokens = new JSONObject().put("access_token", accessToken).put("token_type", "Bearer").put("expires_in", 300);
        return (refreshToken == null ? tokens : tokens.put("refresh_token", refreshToken)).toString();
    }

    /** A browser that signs in at once at the scripted provider. */
    private Browser signingIn() {
        return provider.signingIn(opened);
    }

    private Cli.Run login(String... extra) {
        List<String> args = new ArrayList<>(List.of("--authority", provider.issuer().toString(), "--client-id", "cli", "--scope", "ocsapi",
                "--redirect-uri", Cli.freeRedirectUri(), "--timeout", "10", "--cache-dir", cache.toString()));
        args.addAll(List.of(extra));
        return Cli.run(signingIn(), args.toArray(String[]::new));
    }

    /** Puts an entry in the cache whose access token has expired. */
    private void cachedExpired(String refreshToken) throws Exception {
        TokenCache.Key key = new TokenCache.Key(provider.issuer().toString(), "cli", "ocsapi", "", false);
        JSONObject old = new JSONObject(tokens("old-access-token", refreshToken));
        old.remove("expires_in");
        CacheEntries.write(cache, key, old, Instant.now().minusSeconds(60));
    }

    /** The token endpoint refuses refreshes with {@code refusal}, and answers code exchanges with new tokens. */
    private void refreshRefusedWith(ScriptedProvider.Answer refusal) {
        provider.answerByRequest("/token", request -> request.body().contains("grant_type=refresh_token") ? refusal
                : ScriptedProvider.json(200, tokens("new-access-token", "new-refresh-token")));
    }

    @Test
    void aRefreshRefusedWithoutAJsonErrorDropsTheEntryAndSignsInAgain() throws Exception {
        for (ScriptedProvider.Answer refusal : List.of(ScriptedProvider.raw(401, "text/plain", ""),
                ScriptedProvider.raw(400, "text/html", "<html><body>Bad request</body></html>"))) {
            cachedExpired("old-refresh-token");
            opened.clear();
            refreshRefusedWith(refusal);
            Cli.Run run = login();
            assertEquals(0, run.exitCode(), run.toString());
            assertEquals("new-access-token\n", run.out());
            assertEquals(1, opened.size(), "signed in again in the browser: " + run);
            assertEquals(1, run.err().lines().filter(line -> line.startsWith("The provider refused the saved refresh token (HTTP 40")
                    && line.endsWith("so the cached tokens are dropped and the sign-in is done again")).count(), run.toString());
            assertTrue(run.err().contains("(HTTP 401 with an empty body)") || run.err().contains("(HTTP 400 with an HTML page)"), run.err());
        }
    }

    @Test
    void aRefreshThatCannotReachTheProviderKeepsTheEntry() throws Exception {
        cachedExpired("old-refresh-token");
        refreshRefusedWith(ScriptedProvider.raw(503, "text/html", "<html>maintenance</html>"));
        Cli.Run run = login();
        assertEquals(LoginException.Exit.PROVIDER_UNREACHABLE.code, run.exitCode(), run.toString());
        assertTrue(run.errorLines().get(0).contains("failed (HTTP 503 with an HTML page) on the refresh token"), run.toString());
        assertTrue(opened.isEmpty(), "no sign-in for a provider in trouble");
        try (var files = Files.list(cache)) {
            assertTrue(files.anyMatch(file -> file.toString().endsWith(".json")), "the entry is kept for the next run");
        }
    }

    @Test
    void answersThatAreNotJsonAreSaidInWords() {
        provider.answer("/.well-known/openid-configuration", ScriptedProvider.raw(404, "text/html", "<html><body>Not Found</body></html>"));
        Cli.Run run = login();
        assertEquals(LoginException.Exit.PROVIDER_INVALID.code, run.exitCode(), run.toString());
        String line = run.errorLines().get(0);
        assertTrue(line.contains("answered HTTP 404 with an HTML page (is Resource or Authority right? Resource is the address without a"
                + " path"), line);
        assertFalse(line.contains("  ") || line.contains("JSONObject") || line.contains("character"), "no parser wording: " + line);

        provider.discoveryWith(document -> { });
        provider.answer("/token", ScriptedProvider.raw(401, "text/plain", ""));
        run = login("--no-cache");
        assertEquals(LoginException.Exit.TOKEN_REJECTED.code, run.exitCode(), run.toString());
        assertTrue(run.errorLines().get(0).contains("The token endpoint refused the code: it answered HTTP 401 with an empty body"), run.toString());
    }

    @Test
    void aRefusalAtTheDeviceAuthorizationEndpointIsNamedAndIsARefusedAuthorization() {
        provider.discoveryWith(document -> document.put("device_authorization_endpoint", provider.issuer() + "/device"));
        provider.answer("/device", ScriptedProvider.json(401, "{\"error\":\"invalid_client\",\"error_description\":\"Unknown client\"}"));
        Cli.Run run = Cli.run(Browser.NONE, "--authority", provider.issuer().toString(), "--client-id", "cli", "--device", "--no-cache");
        assertEquals(LoginException.Exit.AUTHORIZATION_FAILED.code, run.exitCode(), run.toString());
        assertTrue(run.errorLines().get(0).contains("The device authorization endpoint refused the device authorization request (HTTP 401):"
                + " invalid_client (Unknown client)"), run.toString());
    }

    @Test
    void anExpiredTokenWithoutRefreshTokenSaysSoBeforeTheBrowserOpens() throws Exception {
        cachedExpired(null);
        Cli.Run run = login();
        assertEquals(0, run.exitCode(), run.toString());
        List<String> lines = run.err().lines().toList();
        int said = lines.indexOf(lines.stream().filter(line -> line.startsWith("The cached access token has expired, and this client gets"
                + " no refresh token; signing in again: with the provider's session that is usually one click")).findFirst().orElseThrow());
        int browser = lines.indexOf(lines.stream().filter(line -> line.startsWith("Step 3:")).findFirst().orElseThrow());
        assertTrue(said < browser, run.err());
    }

    @Test
    void withoutARefreshTokenLogoutSaysTheAccessTokenStaysValid() throws Exception {
        provider.answer("/token", ScriptedProvider.json(200, tokens("only-access", null)));
        assertEquals(0, login().exitCode());
        Cli.Run logout = Cli.run(Browser.NONE, "--authority", provider.issuer().toString(), "--client-id", "cli", "--scope", "ocsapi",
                "--cache-dir", cache.toString(), "--logout");
        assertEquals(0, logout.exitCode(), logout.toString());
        assertTrue(logout.err().contains("This client got no refresh token, so there is nothing to revoke; the cached access token stays"
                + " valid at the provider until it expires"), logout.toString());
        assertTrue(logout.err().contains("Removed the cached tokens"), logout.toString());
    }

    /** OpenID Connect Core §11: offline_access needs prompt=consent; AuthParams reach the request, the flow's own parameters stay its own. */
    @Test
    void offlineAccessAsksForConsentAndAuthParamsReachTheRequest() {
        Cli.Run run = login("--scope", "ocsapi offline_access", "--auth-params", "ui_locales=de&audience=https%3A%2F%2Fapi.example", "--no-cache");
        assertEquals(0, run.exitCode(), run.toString());
        Map<String, String> query = Queries.query(opened.get(0));
        assertEquals("consent", query.get("prompt"));
        assertEquals("de", query.get("ui_locales"));
        assertEquals("https://api.example", query.get("audience"));

        opened.clear();
        assertEquals(0, login("--scope", "ocsapi offline_access", "--auth-params", "prompt=login", "--no-cache").exitCode());
        assertEquals("login consent", Queries.query(opened.get(0)).get("prompt"), "consent is added to the provider's own prompt");

        opened.clear();
        assertEquals(0, login("--no-cache").exitCode());
        assertFalse(Queries.query(opened.get(0)).containsKey("prompt"), "no prompt without offline_access");

        Cli.Run own = login("--auth-params", "state=mine", "--no-cache");
        assertEquals(LoginException.Exit.CONFIG_INVALID.code, own.exitCode(), own.toString());
        assertTrue(own.errorLines().get(0).contains("--auth-params sets 'state', which it may not"), own.toString());
    }

    /** RFC 9126: where discovery lists a PAR endpoint, the request goes there first, and a refusal ends the login at once. */
    @Test
    void aPushedRequestKeepsTheParametersOutOfTheBrowserAndItsRefusalEndsTheLoginAtOnce() {
        provider.discoveryWith(document -> document.put("pushed_authorization_request_endpoint", provider.issuer() + "/par"));
        provider.answer("/par", ScriptedProvider.json(201, "{\"request_uri\":\"urn:ietf:params:oauth:request_uri:abc\",\"expires_in\":60}"));
        Cli.Run run = login("--no-cache");
        assertEquals(0, run.exitCode(), run.toString());
        Map<String, String> query = Queries.query(opened.get(0));
        assertEquals(Map.of("client_id", "cli", "request_uri", "urn:ietf:params:oauth:request_uri:abc"), query, "a short address");
        String pushed = provider.requests.stream().filter(request -> request.path().equals("/par")).findFirst().orElseThrow().body();
        assertTrue(pushed.contains("code_challenge=") && pushed.contains("state=") && pushed.contains("redirect_uri="), pushed);
        assertTrue(run.err().contains("Pushing the authorization request to " + provider.issuer() + "/par (RFC 9126"), run.err());

        opened.clear();
        provider.answer("/par", ScriptedProvider.json(400, "{\"error\":\"invalid_request\",\"error_description\":\"Invalid redirect_uri\"}"));
        Cli.Run refused = login("--no-cache");
        assertEquals(LoginException.Exit.AUTHORIZATION_FAILED.code, refused.exitCode(), refused.toString());
        assertTrue(refused.errorLines().get(0).contains("The pushed authorization request endpoint refused the authorization request"
                + " (HTTP 400): invalid_request (Invalid redirect_uri)"), refused.toString());
        assertTrue(opened.isEmpty(), "no browser for a refused request");
        assertTrue(refused.millis() < 3000, refused.millis() + " ms");

        assertEquals(0, login("--no-cache", "--no-par").exitCode());
        assertTrue(Queries.query(opened.get(0)).containsKey("code_challenge"), "--no-par sends the request through the browser");
    }

    /** RFC 3986 §6.2.2.1: scheme and host are case-insensitive; the configured issuer is compared in lower case. */
    @Test
    void anAuthorityInAnotherCaseMatchesTheIssuer() {
        String shouting = provider.issuer().toString().replace("http://", "HTTP://");
        Cli.Run run = Cli.run(signingIn(), "--authority", shouting, "--client-id", "cli", "--scope", "ocsapi",
                "--redirect-uri", Cli.freeRedirectUri(), "--timeout", "10", "--no-cache");
        assertEquals(0, run.exitCode(), run.toString());
    }

    /** OCS: the issuer is {Resource}/identity; when the provider names another, the message says where it came from and the fix. */
    @Test
    void aResourceWhoseIssuerDiffersSaysWhereItCameFromAndHowToFixIt() {
        provider.answer("/identity/.well-known/openid-configuration", ScriptedProvider.json(200, provider.discovery().toString()));
        Cli.Run run = Cli.run(Browser.NONE, "--resource", provider.issuer().toString(), "--tenant-id",
                "0a1b2c3d-1234-5678-9abc-def012345678", "--client-id", "cli", "--no-cache");
        assertEquals(LoginException.Exit.PROVIDER_INVALID.code, run.exitCode(), run.toString());
        String line = run.errorLines().get(0);
        assertTrue(line.contains("names the issuer '" + provider.issuer() + "', not the configured " + provider.issuer() + "/identity"
                + " ({Resource}/identity (from Resource, --resource)"), line);
        assertTrue(line.contains("set Authority to it in [Configuration] (Resource and TenantId stay"), line);
    }

    /** A TenantId with a provider that is not OCS is sent, with one warning line. */
    @Test
    void aTenantWithAnotherProviderGetsOneWarning() {
        Cli.Run run = login("--tenant-id", "t-1", "--no-cache");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(1, run.err().lines().filter(line -> line.startsWith("warning: TenantId (--tenant-id) is sent as acr_values=tenant:t-1,"
                + " which only OCS understands")).count(), run.err());
        assertEquals("tenant:t-1", Queries.query(opened.get(0)).get("acr_values"));
    }

    /** The hint for a machine without a browser offers --device only where the provider has a device flow. */
    @Test
    void theNoBrowserHintOffersTheDeviceFlowOnlyWhereThereIsOne() {
        Cli.Run run = Cli.run(new Browser.SystemBrowser(Map.of("BROWSER", "false")), "--authority", provider.issuer().toString(),
                "--client-id", "cli", "--timeout", "1", "--no-cache");
        String hint = run.err().lines().filter(line -> line.startsWith("No browser could be opened")).findFirst().orElseThrow();
        assertFalse(hint.contains("--device"), hint);
        assertTrue(hint.contains("--paste") && hint.contains("ssh -L"), hint);
    }

    /** Tokens that were obtained are printed even when the cache folder cannot be written (issue 21): one line says why. */
    @Test
    void aTokenThatCannotBeCachedIsPrintedWithOneLineSayingWhy() throws Exception {
        provider.answer("/token", ScriptedProvider.json(200, tokens("first-access-token", null)));
        assertEquals(0, login().exitCode(), "the folder and its lock file, made by a first run");
        cachedExpired(null); // an expired entry without a refresh token
        provider.answer("/token", ScriptedProvider.json(200, tokens("new-access-token", "new-refresh-token")));
        assertEquals(0, new ProcessBuilder("chattr", "+i", cache.toString()).start().waitFor(), "the folder made read-only, even for root");
        try {
            Cli.Run run = login();
            assertEquals(0, run.exitCode(), run.toString());
            assertEquals("new-access-token\n", run.out());
            assertTrue(run.err().contains("warning: The tokens could not be cached in " + cache + ": "), run.err());
            assertTrue(run.err().contains("; the token is printed all the same, but the next run cannot use it"), run.err());
        } finally {
            new ProcessBuilder("chattr", "-i", cache.toString()).start().waitFor();
        }
    }

    /** A pushed request refused for an unknown client says what the browser path says: the client, and its redirect URIs (issues 21, 23). */
    @Test
    void aPushedRequestRefusedNamesTheClientAndTheRedirectUri() {
        provider.discoveryWith(document -> document.put("pushed_authorization_request_endpoint", provider.issuer() + "/par"));
        provider.answer("/par", ScriptedProvider.json(401, "{\"error\":\"invalid_request\",\"error_description\":\"Authentication failed.\"}"));
        Cli.Run run = login("--no-cache");
        assertEquals(LoginException.Exit.AUTHORIZATION_FAILED.code, run.exitCode(), run.toString());
        String line = run.errorLines().get(0);
        assertTrue(line.contains("invalid_request (Authentication failed.): check that ClientId 'cli' is a client of this provider that"
                + " may use the Authorization Code flow, and that its redirect URIs hold http://localhost:"), line);
        assertTrue(line.endsWith("; a client with a secret (an OCS Hybrid client) needs it in the environment variable"
                + " OCS_LOGIN_CLIENT_SECRET or a file only you can read (chmod 600) named by ClientSecretFile or --client-secret-file"), line);
        assertTrue(opened.isEmpty(), "no browser");
    }

    /** A request_uri too long for a browser's address is said as such, not as missing (issue 22). */
    @Test
    void aRequestUriTooLongForABrowserIsSaidAsSuch() {
        provider.discoveryWith(document -> document.put("pushed_authorization_request_endpoint", provider.issuer() + "/par"));
        provider.answer("/par", ScriptedProvider.json(201, new JSONObject().put("request_uri", "urn:x:" + "a".repeat(10_000))
                .put("expires_in", 60).toString()));
        Cli.Run run = login("--no-cache");
        assertEquals(LoginException.Exit.PROVIDER_INVALID.code, run.exitCode(), run.toString());
        assertTrue(run.errorLines().get(0).contains("answered with a request_uri of 10006 characters, too long for a browser's address"),
                run.toString());
    }

    /** --timeout bounds the whole run: a wait for another run's lock counts against it (issue 22). */
    @Test
    void theTimeoutBoundsAWaitForAnotherRunsLockToo() throws Exception {
        Thread holding = holdingTheLock(8); // another run, waiting 8 s for a sign-in that never comes
        Cli.Run run = Cli.run(never(), "--authority", provider.issuer().toString(), "--client-id", "cli", "--scope", "ocsapi",
                "--redirect-uri", Cli.freeRedirectUri(), "--timeout", "4", "--cache-dir", cache.toString());
        assertEquals(LoginException.Exit.CACHE_FAILED.code, run.exitCode(), run.toString());
        assertTrue(run.err().contains("Another ocs-login run holds the cached tokens of these settings (it signs in or refreshes them);"
                + " waiting for it, up to 4 s"), run.err());
        assertTrue(run.millis() < 4_000 + 15_000, "the wait ended with --timeout, not after it and a whole sign-in: " + run.millis());
        holding.join();

        holding = holdingTheLock(3);
        run = Cli.run(never(), "--authority", provider.issuer().toString(), "--client-id", "cli", "--scope", "ocsapi",
                "--redirect-uri", Cli.freeRedirectUri(), "--timeout", "8", "--cache-dir", cache.toString());
        holding.join();
        assertEquals(LoginException.Exit.CALLBACK_TIMEOUT.code, run.exitCode(), run.toString());
        java.util.regex.Matcher waited = java.util.regex.Pattern.compile("Waiting up to ([0-9]+) s for the authorization code").matcher(run.err());
        assertTrue(waited.find(), run.err());
        assertTrue(Integer.parseInt(waited.group(1)) <= 6, "the sign-in got what was left of the 8 s: " + waited.group(1) + " s");
    }

    /** A browser where nobody signs in. */
    private static Browser never() {
        return url -> {
        };
    }

    /** Another run of the same settings, which holds their cache entry while it waits {@code seconds} for a sign-in; begun now. */
    private Thread holdingTheLock(int seconds) throws InterruptedException {
        Thread run = new Thread(() -> Cli.run(never(), "--authority", provider.issuer().toString(), "--client-id", "cli", "--scope",
                "ocsapi", "--redirect-uri", Cli.freeRedirectUri(), "--timeout", String.valueOf(seconds), "--cache-dir", cache.toString()));
        run.start();
        Thread.sleep(700); // it takes the lock first of all
        return run;
    }
}
