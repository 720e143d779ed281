package cli;

import login.*;
import system.*;
import support.*;
import keycloak.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sign in once, with the real Keycloak and Chromium: the cache answers without a browser or a
 * request to Keycloak, refreshes silently, falls back to the browser when the session is gone,
 * and --logout really revokes.
 */
class CacheEndToEndTest extends WithChromium {

    /** Access tokens of 300 s: a later run finds one with more than --min-validity (60 s) left. */
    static final String LONG_LIVED = "ocs-pkce-login";
    /** Access tokens of 10 s: a later run must refresh. */
    static final String SHORT_LIVED = "ocs-pkce-login-short";

    @TempDir
    Path cacheDir;

    private final AtomicInteger browserOpened = new AtomicInteger();



    /** Selenium signing in as the demo user, counting how often it is asked to. */
    private final Browser countingBrowser = url -> {
        browserOpened.incrementAndGet();
        chromium.driver.manage().deleteAllCookies(); // a real sign-in every time, not Keycloak's SSO cookie
        chromium.driver.get(url.toString());
        SignIn.KEYCLOAK.signIn(chromium.driver, TestKeycloak.username(), TestKeycloak.password());
    };

    private Cli.Run run(String clientId, String... extra) {
        List<String> args = new ArrayList<>(List.of("--config", "keycloak/demo.ini", "--client-id", clientId,
                "--cache-dir", cacheDir.toString(), "--timeout", "60"));
        args.addAll(List.of(extra));
        Cli.Run run = Cli.run(countingBrowser, args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        return run;
    }

    private JSONObject cachedTokens(String clientId) throws Exception {
        LoginConfig config = Demo.config(Overrides.NONE.with(Setting.CLIENT_ID, clientId));
        Path file = cacheDir.resolve(TokenCache.Key.of(config).fileName());
        return new JSONObject(Files.readString(file)).getJSONObject("tokens");
    }

    /** Keycloak writes its event line just after answering; give it a moment before counting. */
    private static int tokenRequestsSettled(String clientId) throws Exception {
        Thread.sleep(500);
        return TestKeycloak.tokenRequests(clientId);
    }

    @Test
    void aSecondRunAnswersFromTheCacheWithoutBrowserOrTokenRequest() throws Exception {
        Cli.Run first = run(LONG_LIVED);
        assertEquals(1, browserOpened.get());
        int tokenRequests = tokenRequestsSettled(LONG_LIVED);
        assertTrue(tokenRequests >= 1, "Keycloak's events are counted: " + tokenRequests);

        Cli.Run second = run(LONG_LIVED);
        assertEquals(1, browserOpened.get(), "the browser was not opened again");
        assertEquals(tokenRequests, tokenRequestsSettled(LONG_LIVED), "no request reached Keycloak's token endpoint");
        assertEquals(first.out(), second.out(), "the same access token");
        assertTrue(second.err().startsWith("Config: keycloak/demo.ini\nUsing the cached access token, valid for "), second.err());
        assertEquals(200, TestKeycloak.userinfoStatus(second.out().strip()));

        JSONObject json = new JSONObject(run(LONG_LIVED, "--output", "json").out());
        assertEquals(first.out().strip(), json.getString("access_token"), "--output json from the cache");
        assertTrue(json.getLong("expires_in") <= 300 && json.has("id_token_claims") && json.has("refresh_token"), json.toString());
        assertEquals(tokenRequests, tokenRequestsSettled(LONG_LIVED));
    }

    @Test
    void anExpiringTokenIsRefreshedWithoutBrowserAndKeycloakAcceptsTheNewOne() throws Exception {
        Cli.Run first = run(SHORT_LIVED);
        assertEquals(1, browserOpened.get());
        int tokenRequests = tokenRequestsSettled(SHORT_LIVED);

        Cli.Run second = run(SHORT_LIVED); // 10 s tokens never have the default 60 s left
        assertEquals(1, browserOpened.get(), "no browser for a refresh");
        assertTrue(second.err().contains("Refreshing the access token at "), second.err());
        assertEquals(tokenRequests + 1, tokenRequestsSettled(SHORT_LIVED), "exactly one refresh request");
        String refreshed = second.out().strip();
        assertNotEquals(first.out().strip(), refreshed);
        assertEquals(200, TestKeycloak.userinfoStatus(refreshed), "Keycloak accepts the refreshed token");
        assertEquals(refreshed, cachedTokens(SHORT_LIVED).getString("access_token"), "the cache holds the new token");
        assertTrue(cachedTokens(SHORT_LIVED).has("id_token_claims"), "the refreshed ID token was checked and kept");

        Cli.Run third = run(SHORT_LIVED, "--min-validity", "1");
        assertEquals(refreshed, third.out().strip(), "with --min-validity 1 the fresh token is good enough");
    }

    @Test
    void aRefusedRefreshFallsBackToTheBrowserAndSucceeds() throws Exception {
        run(SHORT_LIVED);
        TestKeycloak.endSession(SHORT_LIVED, cachedTokens(SHORT_LIVED).getString("refresh_token"));

        Cli.Run afterLogout = run(SHORT_LIVED);
        assertEquals(2, browserOpened.get(), "the browser signs in again");
        assertTrue(afterLogout.err().contains("The provider refused the saved refresh token (invalid_grant"), afterLogout.err());
        assertEquals(200, TestKeycloak.userinfoStatus(afterLogout.out().strip()));
        assertEquals(afterLogout.out().strip(), cachedTokens(SHORT_LIVED).getString("access_token"));
    }

    @Test
    void logoutRevokesTheRefreshTokenAtKeycloakAndRemovesTheEntry() throws Exception {
        run(LONG_LIVED);
        String refreshToken = cachedTokens(LONG_LIVED).getString("refresh_token");
        assertEquals(200, TestKeycloak.refreshDirectly(LONG_LIVED, refreshToken).getStatus(), "the refresh token works before");

        Cli.Run logout = run(LONG_LIVED, "--logout");
        assertEquals("", logout.out());
        assertTrue(logout.err().contains("Revoked the refresh token at " + TestKeycloak.issuer() + "/protocol/openid-connect/revoke"),
                logout.err());
        assertTrue(logout.err().contains("Removed the cached tokens for " + TestKeycloak.issuer()), logout.err());
        try (var files = Files.list(cacheDir)) {
            assertTrue(files.noneMatch(file -> file.toString().endsWith(".json")), "the entry is gone");
        }
        var refused = TestKeycloak.refreshDirectly(LONG_LIVED, refreshToken);
        assertEquals(400, refused.getStatus(), refused.getBody());
        assertEquals("invalid_grant", new JSONObject(refused.getBody()).getString("error"), "the revoked refresh token is dead");

        Cli.Run again = run(LONG_LIVED, "--logout");
        assertTrue(again.err().contains("Nothing to remove"), again.err());
    }

    @Test
    void aDamagedEntryIsReplacedAfterTheNextLogin() throws Exception {
        run(LONG_LIVED);
        LoginConfig config = Demo.config(Overrides.NONE.with(Setting.CLIENT_ID, LONG_LIVED));
        Path file = cacheDir.resolve(TokenCache.Key.of(config).fileName());
        Files.writeString(file, "{\"format\": \"" + TokenCache.FORMAT + "\", \"tokens\": {\"access_to");
        Cli.Run afterDamage = run(LONG_LIVED);
        assertEquals(2, browserOpened.get());
        assertEquals(1, afterDamage.err().lines().filter(line -> line.startsWith("warning: ignoring the cached tokens")).count(),
                afterDamage.err());
        assertFalse(afterDamage.err().contains("\tat "), afterDamage.err());
        assertEquals(afterDamage.out().strip(), cachedTokens(LONG_LIVED).getString("access_token"), "replaced by a valid entry");
    }

    @Test
    void forceLoginSignsInAgainAndNoCacheNeitherReadsNorWrites() throws Exception {
        Cli.Run first = run(LONG_LIVED);
        Cli.Run forced = run(LONG_LIVED, "--force-login");
        assertEquals(2, browserOpened.get());
        assertNotEquals(first.out(), forced.out());
        assertEquals(forced.out().strip(), cachedTokens(LONG_LIVED).getString("access_token"), "--force-login stores its result");

        Path untouched = Files.createDirectory(cacheDir.resolve("untouched"));
        run(LONG_LIVED, "--no-cache", "--cache-dir", untouched.toString());
        assertEquals(3, browserOpened.get());
        try (var files = Files.list(untouched)) {
            assertEquals(0, files.count(), "--no-cache writes nothing");
        }
    }

    @Test
    void theCacheIsPrivate() throws Exception {
        run(LONG_LIVED);
        assertEquals("rwx------", Modes.of(cacheDir));
        try (var files = Files.list(cacheDir)) {
            for (Path file : files.toList()) {
                assertEquals("rw-------", Modes.of(file), file.toString());
            }
        }
        JSONObject tokens = cachedTokens(LONG_LIVED);
        assertEquals(java.util.Set.of("access_token", "token_type", "refresh_token", "refresh_expires_in", "id_token",
                "id_token_claims", "scope", "session_state", "not-before-policy"), tokens.keySet(), "the token response, nothing else");
    }

    /** Two processes at once with one cache that needs a refresh: both succeed, and the entry stays valid JSON. */
    @Test
    void twoRunsAtOnceBothSucceedAndTheEntryStaysValid() throws Exception {
        run(SHORT_LIVED);
        List<CliProcess> runs = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                runs.add(CliProcess.start(Map.of(), "--config", "keycloak/demo.ini", "--client-id", SHORT_LIVED,
                        "--cache-dir", cacheDir.toString(), "--no-browser", "--timeout", "30"));
            }
            for (CliProcess cli : runs) {
                assertEquals(0, cli.waitFor(Duration.ofSeconds(120)), cli.err());
                assertEquals(200, TestKeycloak.userinfoStatus(cli.out().strip()), cli.err());
            }
        } finally {
            runs.forEach(CliProcess::close);
        }
        assertEquals(1, browserOpened.get());
        JSONObject entry = new JSONObject(Files.readString(cacheDir.resolve(TokenCache.Key.of(Demo.config(
                Overrides.NONE.with(Setting.CLIENT_ID, SHORT_LIVED))).fileName())));
        assertEquals(TokenCache.FORMAT, entry.getString("format"));
    }

    /**
     * A cache hit is what scripts pay each time: the tool's JVM reads the file and prints, loading no
     * network code. Seen on Java 17, whose CDS archive loads classes as they are asked for: on Java 25
     * the AOT cache maps all of its classes at start-up, whichever path then runs.
     */
    @Test
    void aCacheHitLoadsNoHttpClientNimbusOrCallbackServer(@TempDir Path logs) throws Exception {
        run(LONG_LIVED);
        for (int run = 0; run < 2; run++) { // the first may be the launcher's training run, which loads every path on purpose
            if (run == 1) {
                try (var old = Files.list(logs)) {
                    for (Path log : old.toList()) {
                        Files.delete(log);
                    }
                }
            }
            try (CliProcess cli = CliProcess.start(Map.of("JBANG_OPTIONS", "--java 17", "JAVA_OPTION", "-Xlog:class+load:file=" + logs + "/%p.log"),
                    "--config", "keycloak/demo.ini", "--client-id", LONG_LIVED, "--cache-dir", cacheDir.toString())) {
                assertEquals(0, cli.waitFor(Duration.ofSeconds(120)), cli.err());
                assertTrue(cli.err().contains("Using the cached access token"), cli.err());
            }
        }
        String tool = null;
        try (var files = Files.list(logs)) {
            for (Path log : files.toList()) {
                String classes = Files.readString(log);
                if (classes.contains(" cli.OcsPkceLogin ")) {
                    tool = classes;
                }
            }
        }
        assertTrue(tool != null, "the tool's JVM wrote its class log");
        for (String notLoaded : List.of("kong.unirest", "java.net.http.HttpClient ", "com.nimbusds", "CallbackServer", "Http ",
                "IdentityProvider ", "javax.net.ssl.SSLContext ")) {
            assertFalse(tool.contains(notLoaded), notLoaded + " was loaded for a cache hit");
        }
    }

    /** --status after a login, a refresh and a logout: the signed-in user from the ID token, the expiry, the refresh token; no token. */
    @Test
    void statusShowsTheLoginAfterARefreshAndNothingAfterTheLogout() throws Exception {
        Cli.Run login = run(SHORT_LIVED);
        run(SHORT_LIVED); // a refresh: 10 s tokens never have 60 s left
        Cli.Run status = Cli.run(Browser.NONE, "--status", "--cache-dir", cacheDir.toString());
        assertEquals(0, status.exitCode(), status.toString());
        String line = status.out().strip();
        assertTrue(line.startsWith(TestKeycloak.issuer() + "  client " + SHORT_LIVED + " (public)  scope 'openid ocsapi'  user demo  expires "),
                status.out());
        assertTrue(line.endsWith("refresh token: yes"), line);
        assertFalse(status.out().contains(login.out().strip()) || status.out().contains(cachedTokens(SHORT_LIVED).getString("access_token")),
                "no token");
        JSONObject json = new org.json.JSONArray(Cli.run(Browser.NONE, "--status", "--cache-dir", cacheDir.toString(), "-o", "json").out())
                .getJSONObject(0);
        assertEquals("demo", json.getString("user"));
        assertTrue(json.getLong("expires_at") > System.currentTimeMillis() / 1000, json.toString());

        run(SHORT_LIVED, "--logout");
        Cli.Run after = Cli.run(Browser.NONE, "--status", "--cache-dir", cacheDir.toString());
        assertEquals("", after.out(), "nothing cached after --logout");
        assertTrue(after.err().contains("No cached logins in " + cacheDir), after.err());
    }
}
