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
import java.util.concurrent.atomic.AtomicInteger;
import kong.unirest.core.Unirest;
import kong.unirest.core.UnirestInstance;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second real provider, independent of Keycloak: panva's certified oidc-provider
 * ({@link TestOidcProvider}). Its native client gets a refresh token only for offline_access, which
 * it grants only with prompt=consent; the tool's login, silent refresh and logout hold against it.
 */
class OidcProviderTest {

    @TempDir
    Path cache;

    private Chromium chromium;
    private final AtomicInteger signIns = new AtomicInteger();
    private final AtomicInteger consents = new AtomicInteger();

    @BeforeEach
    void start() {
        TestOidcProvider.get();
        chromium = Chromium.start();
    }

    @AfterEach
    void stopBrowser() {
        chromium.close();
    }

    /** oidc-provider's development sign-in, as alice, with the provider's cookies gone: a real sign-in every time. */
    private final Browser signingIn = url -> {
        signIns.incrementAndGet();
        chromium.driver.get(TestOidcProvider.issuer() + "/.well-known/openid-configuration");
        chromium.driver.manage().deleteAllCookies(); // the provider's: a real sign-in every time
        chromium.driver.get(url.toString());
        if (SignIn.oidcProvider(chromium.driver, "alice")) {
            consents.incrementAndGet();
        }
    };

    private Cli.Run run(String scope, String... extra) {
        List<String> args = new ArrayList<>(List.of("--authority", TestOidcProvider.issuer().toString(), "--client-id",
                TestOidcProvider.CLIENT, "--scope", scope, "--cache-dir", cache.toString(), "--timeout", "60"));
        args.addAll(List.of(extra));
        Cli.Run run = Cli.run(signingIn, args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        return run;
    }

    private JSONObject cached() throws Exception {
        try (var files = Files.list(cache)) {
            Path entry = files.filter(file -> file.toString().endsWith(".json")).findFirst().orElseThrow();
            return new JSONObject(Files.readString(entry)).getJSONObject("tokens");
        }
    }

    private static int userinfo(String accessToken) {
        try (UnirestInstance unirest = Unirest.spawnInstance()) {
            return unirest.get(TestOidcProvider.issuer() + "/me").header("Authorization", "Bearer " + accessToken).asEmpty().getStatus();
        }
    }

    private static JSONObject refreshDirectly(String refreshToken) {
        try (UnirestInstance unirest = Unirest.spawnInstance()) {
            return new JSONObject(unirest.post(TestOidcProvider.issuer() + "/token").field("grant_type", "refresh_token")
                    .field("client_id", TestOidcProvider.CLIENT).field("refresh_token", refreshToken).asString().getBody());
        }
    }

    @Test
    void withOfflineAccessTheLoginRefreshesSilentlyAndLogoutRevokes() throws Exception {
        Cli.Run login = run("openid offline_access");
        assertEquals(1, signIns.get());
        assertEquals(1, consents.get(), "prompt=consent was sent, so oidc-provider asked: " + login.err());
        assertEquals(200, userinfo(login.out().strip()), "the provider accepts the token");
        String refreshToken = cached().getString("refresh_token");
        assertTrue(cached().getJSONObject("id_token_claims").getString("sub").equals("alice"), cached().toString());

        Cli.Run refreshed = run("openid offline_access", "--min-validity", "86400"); // the token is never fresh enough: a refresh
        assertEquals(1, signIns.get(), "no browser for the refresh: " + refreshed.err());
        assertTrue(refreshed.err().contains("Refreshing the access token at " + TestOidcProvider.issuer() + "/token"), refreshed.err());
        assertNotEquals(login.out(), refreshed.out());
        assertEquals(200, userinfo(refreshed.out().strip()));
        String rotated = cached().getString("refresh_token");

        Cli.Run logout = run("openid offline_access", "--logout");
        assertTrue(logout.err().contains("Revoked the refresh token at " + TestOidcProvider.issuer() + "/token/revocation"), logout.err());
        assertEquals("invalid_grant", refreshDirectly(rotated).optString("error"), "the revoked refresh token is dead");
        assertEquals("invalid_grant", refreshDirectly(refreshToken).optString("error"), "and so is the one it replaced");
    }

    /** Without offline_access this client gets no refresh token: the next login after expiry says so, and signs in again. */
    @Test
    void withoutOfflineAccessThereIsNoRefreshTokenAndTheToolSaysSo() throws Exception {
        run("openid");
        assertFalse(cached().has("refresh_token"), cached().toString());
        Cli.Run again = run("openid", "--min-validity", "86400");
        assertEquals(2, signIns.get(), "signed in again");
        assertTrue(again.err().contains("this client gets no refresh token; signing in again"), again.err());
    }

    /**
     * oidc-provider's pushed requests last 60 s: an address printed for a person to open
     * (--no-browser) is pushed anew when it expires, and the new one signs in (issue 23).
     */
    @Test
    void anExpiredPushedAddressIsRenewedAndTheNewOneSignsIn() throws Exception {
        StringBuffer err = new StringBuffer();
        java.util.concurrent.CompletableFuture<Integer> printed = java.util.concurrent.CompletableFuture.supplyAsync(() -> OcsPkceLogin.run(
                Browser.NONE, () -> PasteBack.of(java.io.InputStream.nullInputStream()), new java.io.PrintStream(java.io.OutputStream.nullOutputStream()),
                new java.io.PrintStream(new EndToEndTest.LinesTo(err), true, java.nio.charset.StandardCharsets.UTF_8), "--authority",
                TestOidcProvider.issuer().toString(), "--client-id", TestOidcProvider.CLIENT, "--scope", "openid", "--no-browser",
                "--no-cache", "--timeout", "150"));
        try {
            assertTrue(err.indexOf("within 60 s (it refers to a pushed request") >= 0 || Threads.await(() -> err.indexOf("within 60 s") >= 0,
                    Duration.ofSeconds(30)), err.toString());
            assertTrue(Threads.await(() -> err.indexOf("The address above has expired (its pushed request lasts 60 s)") >= 0,
                    Duration.ofSeconds(100)), err.toString());
            List<String> lines = err.toString().lines().toList();
            String renewed = lines.get(lines.indexOf(lines.stream().filter(line -> line.startsWith("The address above has expired"))
                    .findFirst().orElseThrow()) + 1);
            assertTrue(renewed.startsWith(TestOidcProvider.issuer() + "/auth?client_id=" + TestOidcProvider.CLIENT + "&request_uri="), renewed);
            signingIn.open(java.net.URI.create(renewed));
            assertEquals(0, printed.get(60, java.util.concurrent.TimeUnit.SECONDS), err.toString());
        } finally {
            try {
                printed.get(160, java.util.concurrent.TimeUnit.SECONDS); // the redirect URI's port is free again for the next test
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ended) {
                // said above
            }
        }
    }
}
