package cli;

import login.*;
import system.*;
import support.*;
import keycloak.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kong.unirest.core.Unirest;
import kong.unirest.core.UnirestInstance;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A person's login as a confidential client against the real Keycloak (issue 25): its
 * ocs-pkce-login-hybrid client, which stands for an OCS Hybrid client. Signed in once, the next runs
 * refresh with no browser; --logout revokes with the client's authentication; a wrong secret fails
 * at the pushed request, before any browser, or at the exchange without one. The secret, given in
 * the environment as a user would, is never in a process's argv, on stderr (also with -v), in the
 * cache, in --status or -o json, or in the environment of the browser the tool starts.
 */
class KeycloakHybridClientTest {

    static final String CLIENT = "ocs-pkce-login-hybrid";
    static final String SECRET = "demo-hybrid-secret-not-for-real-use";

    @TempDir
    Path folder;

    private BrowserCommand browser;

    private CliProcess start(String secret, String name, String... extra) throws IOException {
        if (browser == null) {
            browser = new BrowserCommand(folder);
        }
        List<String> args = new ArrayList<>(List.of("--config", "keycloak/demo.ini", "--client-id", CLIENT, "--scope", "openid ocsapi",
                "--cache-dir", folder.resolve("tokens").toString(), "--timeout", "90"));
        args.addAll(List.of(extra));
        Map<String, String> environment = new HashMap<>(browser.environment(name));
        environment.put("OCS_LOGIN_CLIENT_SECRET", secret);
        return CliProcess.start(environment, args.toArray(String[]::new));
    }

    /** No process on this machine has the secret in its argv (/proc/PID/cmdline: any local user reads it). */
    private static void assertNoCommandLineHoldsTheSecret() throws IOException {
        int processes = 0;
        try (var all = Files.list(Path.of("/proc"))) {
            for (Path process : all.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                try {
                    String cmdline = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.ISO_8859_1);
                    assertFalse(cmdline.contains(SECRET), "process " + process.getFileName() + "'s argv holds the secret: " + cmdline);
                    processes++;
                } catch (IOException gone) {
                    // ended meanwhile
                }
            }
        }
        assertTrue(processes > 10, "looked at " + processes + " processes");
    }

    /** The claims of a JWT access token (Keycloak's), read without a check: Keycloak's userinfo checks it. */
    private static JSONObject claims(String accessToken) {
        return new JSONObject(new String(java.util.Base64.getUrlDecoder().decode(accessToken.split("\\.")[1]), StandardCharsets.UTF_8));
    }

    private String cachedRefreshToken() throws IOException {
        try (var files = Files.list(folder.resolve("tokens"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                JSONObject tokens = new JSONObject(Files.readString(file)).getJSONObject("tokens");
                if (tokens.has("refresh_token")) {
                    return tokens.getString("refresh_token");
                }
            }
        }
        throw new AssertionError("no refresh token in the cache");
    }

    private void assertTheCacheNeverHoldsTheSecret() throws IOException {
        try (var files = Files.walk(folder.resolve("tokens"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertFalse(Files.readString(file, StandardCharsets.ISO_8859_1).contains(SECRET), "never in the cache: " + file);
            }
        }
    }

    @Test
    void aConfidentialClientSignsInOnceRefreshesWithoutABrowserAndRevokesAtLogout() throws Exception {
        TestKeycloak.get();
        String first;
        try (CliProcess cli = start(SECRET, "first", "-v")) {
            cli.awaitErrLine(line -> line.startsWith("Step 4:"), Duration.ofSeconds(120));
            assertNoCommandLineHoldsTheSecret();
            browser.signInAtKeycloak("first");
            assertEquals(0, cli.waitFor(Duration.ofSeconds(60)), cli.err());
            first = cli.out().strip();
            assertTrue(cli.err().contains("Pushing the authorization request"), "Keycloak takes pushed requests: " + cli.err());
            assertFalse(cli.err().contains(SECRET), "never on stderr, even with -v: " + cli.err());
        }
        String browserEnvironment = browser.environmentOf("first");
        assertTrue(browserEnvironment.contains("PATH="), "the browser's environment was recorded");
        assertFalse(browserEnvironment.contains(SECRET) || browserEnvironment.contains("OCS_LOGIN_CLIENT_SECRET"),
                "the browser the tool started never gets the secret: " + browserEnvironment);
        assertEquals(200, TestKeycloak.userinfoStatus(first), "Keycloak accepts the token");
        assertEquals(CLIENT, claims(first).getString("azp"), "issued to the confidential client");
        assertTheCacheNeverHoldsTheSecret();

        String refreshed;
        try (CliProcess cli = start(SECRET, "second", "--min-validity", "86400", "-v", "-o", "json")) {
            assertEquals(0, cli.waitFor(Duration.ofSeconds(120)), cli.err());
            assertTrue(cli.err().contains("Refreshing the access token"), cli.err());
            assertFalse(browser.opened("second"), "no browser for a refresh");
            assertFalse(cli.err().contains(SECRET) || cli.out().contains(SECRET), "never on stderr or in -o json");
            refreshed = new JSONObject(cli.out()).getString("access_token");
        }
        assertNotEquals(first, refreshed, "a new access token");
        assertEquals(200, TestKeycloak.userinfoStatus(refreshed), "Keycloak accepts the refreshed token");

        Cli.Run status = Cli.run(Browser.NONE, "--status", "--cache-dir", folder.resolve("tokens").toString());
        assertTrue(status.out().lines().anyMatch(line -> line.contains("client " + CLIENT + " (confidential)")
                && line.endsWith("refresh token: yes")), status.out());
        JSONArray json = new JSONArray(Cli.run(Browser.NONE, "--status", "-o", "json", "--cache-dir", folder.resolve("tokens").toString())
                .out());
        assertEquals("confidential", json.getJSONObject(0).getString("client"), json.toString());
        assertFalse(status.out().contains(SECRET) || json.toString().contains(SECRET), "never in --status");
        assertTheCacheNeverHoldsTheSecret();

        String refreshToken = cachedRefreshToken();
        try (CliProcess cli = start(SECRET, "logout", "--logout", "-v")) {
            assertEquals(0, cli.waitFor(Duration.ofSeconds(120)), cli.err());
            assertFalse(cli.err().contains(SECRET), cli.err());
        }
        try (UnirestInstance unirest = Unirest.spawnInstance()) {
            var answer = unirest.post(TestKeycloak.issuer() + "/protocol/openid-connect/token").basicAuth(CLIENT, SECRET)
                    .field("grant_type", "refresh_token").field("refresh_token", refreshToken).asString();
            assertEquals(400, answer.getStatus(), "Keycloak revoked the refresh token: " + answer.getBody());
            assertEquals("invalid_grant", new JSONObject(answer.getBody()).getString("error"), answer.getBody());
        }
    }

    @Test
    void aWrongSecretFailsAtThePushedRequestBeforeAnyBrowser() throws Exception {
        TestKeycloak.get();
        try (CliProcess cli = start("not-the-hybrid-secret", "wrong")) {
            assertEquals(LoginException.Exit.AUTHORIZATION_FAILED.code, cli.waitFor(Duration.ofSeconds(120)), cli.err());
            String line = cli.err().lines().filter(l -> l.startsWith("error:")).findFirst().orElseThrow();
            assertTrue(line.contains("refused the client's secret (HTTP 401): invalid_request (Authentication failed.)")
                    && line.contains("is client " + CLIENT + "'s"), "Keycloak's words, the secret as the cause: " + line);
            assertFalse(cli.err().contains("not-the-hybrid-secret"), cli.err());
            assertFalse(browser.opened("wrong"), "no browser was opened");
        }
    }

    @Test
    void withoutAPushedRequestAWrongSecretIsSaidAtTheExchange() throws Exception {
        TestKeycloak.get();
        try (CliProcess cli = start("not-the-hybrid-secret", "exchange", "--no-par")) {
            browser.signInAtKeycloak("exchange");
            assertEquals(LoginException.Exit.TOKEN_REJECTED.code, cli.waitFor(Duration.ofSeconds(60)), cli.err());
            String line = cli.err().lines().filter(l -> l.startsWith("error:")).findFirst().orElseThrow();
            assertTrue(line.contains("the client's secret") && line.contains("is client " + CLIENT + "'s"), line);
            assertFalse(line.contains("the code") || cli.err().contains("not-the-hybrid-secret"), line);
        }
    }
}
