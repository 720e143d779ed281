package cli;

import login.*;
import system.*;
import support.*;
import keycloak.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import kong.unirest.core.HttpResponse;
import kong.unirest.core.Unirest;
import kong.unirest.core.UnirestInstance;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The real thing: headless Chromium signs in on a real Keycloak (the local stand-in for OCS), driven
 * through the command line's own code path, with Selenium as its browser.
 */
class EndToEndTest extends WithChromium {




    /** Selenium in the browser's place: opens the authorization URL, then signs in as a person would. */
    private Browser signingIn(SignIn steps, String username, String password) {
        return url -> {
            chromium.driver.get(url.toString());
            steps.signIn(chromium.driver, username, password);
        };
    }

    private Browser signingInAsDemoUser() {
        return signingIn(SignIn.KEYCLOAK, TestKeycloak.username(), TestKeycloak.password());
    }

    /**
     * The happy path: the local Keycloak, or, when {@code config.ini} has a [Test] user, the
     * provider it names (OCS itself, with the OCS sign-in steps of the seed's test).
     */
    @Test
    void loginGivesATokenThatTheProviderAcceptsAsTheTestUser() throws Exception {
        Path configIni = Path.of("config.ini");
        Map<String, String> testUser = new java.util.HashMap<>();
        if (Files.exists(configIni)) {
            IniFile.read(configIni).section("Test").values().forEach((key, value) -> testUser.put(key, value.value()));
        }
        boolean useConfigIni = testUser.containsKey("username") && !testUser.get("username").startsWith("PLACEHOLDER");
        LoginConfig config = useConfigIni ? ConfigFiles.find(configIni, Overrides.NONE, Map.of(), Path.of(""))
                : Demo.config(Overrides.NONE);
        boolean ocs = useConfigIni && config.ocs();
        System.out.println("[e2e] happy path against " + config.authority() + (useConfigIni ? " (config.ini)" : " (local Keycloak, --demo)"));

        Browser browser = useConfigIni
                ? signingIn(ocs ? SignIn.OCS : SignIn.KEYCLOAK, testUser.get("username"), testUser.get("password"))
                : signingInAsDemoUser();
        Cli.Run run = Cli.run(browser, useConfigIni ? new String[] {"--config", configIni.toString()} : new String[] {"--demo"});

        assertEquals(0, run.exitCode(), run.toString());
        String token = run.out().strip();
        assertEquals(run.out(), token + System.lineSeparator(), "stdout is the token alone");
        assertTrue(token.split("\\.").length == 3, "a JWT access token: " + run);
        String page = SignIn.awaitCallbackPage(chromium.driver, config.redirectUri().toString());
        assertTrue(page.contains("Login complete"), page);
        for (int step = 1; step <= 6; step++) {
            assertTrue(run.err().contains("Step " + step + ": "), "step " + step + " is reported: " + run.err());
        }

        try (Http http = new Http(Duration.ofSeconds(5), Duration.ofSeconds(10)); UnirestInstance unirest = Unirest.spawnInstance()) {
            String userinfoEndpoint = http.getJson(Urls.discoveryUrl(config.authority()), "discovery document")
                    .body().getString("userinfo_endpoint");
            HttpResponse<String> userinfo = unirest.get(userinfoEndpoint)
                    .header("Authorization", "Bearer " + token).asString();
            assertEquals(200, userinfo.getStatus(), "the provider accepts the token: " + userinfo.getBody());
            if (!useConfigIni) {
                assertEquals(TestKeycloak.username(), new JSONObject(userinfo.getBody()).getString("preferred_username"));
                assertEquals(config.clientId(), SignedJWT.parse(token).getJWTClaimsSet().getStringClaim("azp"),
                        "issued to our client");
            }
        }
    }

    @Test
    void jsonOutputCarriesTheTokenResponseAndTheValidatedIdTokenClaims() throws Exception {
        Cli.Run run = Cli.run(signingInAsDemoUser(), "--demo", "--output", "json");
        assertEquals(0, run.exitCode(), run.toString());
        JSONObject tokens = new JSONObject(run.out());
        assertTrue(tokens.getString("access_token").length() > 100);
        assertEquals("Bearer", tokens.getString("token_type"));
        JSONObject claims = tokens.getJSONObject("id_token_claims");
        assertEquals(TestKeycloak.issuer().toString(), claims.getString("iss"));
        assertEquals(Demo.config(Overrides.NONE).clientId(), claims.get("aud").toString());
        assertEquals(TestKeycloak.username(), claims.getString("preferred_username"));
        assertEquals(SignedJWT.parse(tokens.getString("id_token")).getJWTClaimsSet().getStringClaim("nonce"), claims.getString("nonce"));
    }

    /** The demo's connection to the test Keycloak, as a public client; steps 1 done. */
    private static ProviderConnection connection(LoginConfig config) throws LoginException {
        return ProviderConnection.open(config, new ClientAuthentication.None(config.clientId(), "its secret"),
                new Limits(Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(10)), new Log(System.out, false, false));
    }

    /** The login's own steps 1 to 4, then the token request with another code_verifier than the one the challenge was made from. */
    @Test
    void tamperedCodeVerifierIsRejectedByKeycloak() throws Exception {
        LoginConfig config = Demo.config(Overrides.NONE);
        AuthorizationRequest request = AuthorizationRequest.create(config);
        Log log = new Log(System.out, false, false);
        try (ProviderConnection connection = connection(config);
                FrontChannel.Receiver receiver = new BrowserSignIn(signingInAsDemoUser()).listen(config.redirectUri())) {
            URI redirectUri = receiver.redirectUri();
            String code = receiver.awaitCode(connection.provider(), request, () -> connection.authorizationUrl(request, redirectUri,
                    false, log), Duration.ofSeconds(30), log);
            AuthorizationRequest tampered = new AuthorizationRequest(request.clientId(), request.scope(), request.tenantId(),
                    request.extraParameters(), request.state(), request.nonce(), PkceUtil.newCodeVerifier());
            LoginException.TokenError e = assertThrows(LoginException.TokenError.class,
                    () -> connection.exchange(code, tampered, redirectUri, log));
            assertEquals("invalid_grant", e.error());
            assertEquals(400, e.httpStatus());
            assertEquals(LoginException.Exit.TOKEN_REJECTED, e.exit());
            assertTrue(e.getMessage().contains("invalid_grant") && e.getMessage().contains("PKCE"), e.getMessage());
        }
    }

    @Test
    void authorizationRequestWithoutPkceIsRefusedByKeycloak() throws Exception {
        LoginConfig config = Demo.config(Overrides.NONE);
        try (ProviderConnection connection = connection(config); UnirestInstance unirest = Unirest.spawnInstance()) {
            unirest.config().followRedirects(false);
            String withoutPkce = connection.authorizationUrl(AuthorizationRequest.create(config), config.redirectUri(), false,
                    new Log(System.out, false, false)).url().toString().replaceAll("&code_challenge(_method)?=[^&]*", "");
            String location = unirest.get(withoutPkce).asEmpty().getHeaders().getFirst("Location");
            assertTrue(location.startsWith(config.redirectUri().toString()) && location.contains("error=invalid_request")
                    && location.contains("code_challenge"), location);
        }
    }

    @Test
    void deniedConsentEndsWithAccessDeniedAndTheFailurePage() {
        Browser denying = url -> {
            signingInAsDemoUser().open(url);
            SignIn.click(chromium.driver, "Keycloak consent", By.id("kc-cancel"), Duration.ofSeconds(10));
        };
        Cli.Run run = Cli.run(denying, "--demo", "--client-id", "ocs-pkce-login-consent");
        assertEquals(LoginException.Exit.AUTHORIZATION_FAILED.code, run.exitCode(), run.toString());
        assertEquals(1, run.errorLines().size(), run.toString());
        assertTrue(run.errorLines().get(0).contains("refused the authorization: access_denied (no description given; "
                + "per RFC 6749: the resource owner or authorization server denied the request)"), run.toString());
        assertEquals("", run.out());
        String page = SignIn.awaitCallbackPage(chromium.driver, "http://localhost:5004/callback.html");
        assertTrue(page.contains("Login failed") && page.contains("access_denied"), page);
    }

    @Test
    void wrongPasswordNeverCompletesAndTheLoginEndsAtItsTimeout() {
        Cli.Run run = Cli.run(signingIn(SignIn.KEYCLOAK, TestKeycloak.username(), "not-the-password"), "--demo", "--timeout", "5");
        assertEquals(LoginException.Exit.CALLBACK_TIMEOUT.code, run.exitCode(), run.toString());
        assertTrue(run.errorLines().get(0).contains("No authorization response reached http://localhost:5004/callback.html within 5 s"),
                run.toString());
        assertTrue(chromium.driver.getPageSource().contains("Invalid username or password"), "Keycloak said why");
    }

    @Test
    void forgedCallbackDuringARealLoginIsRejectedAndTheLoginCompletes() {
        AtomicReference<RawHttp.Response> forged = new AtomicReference<>();
        Browser forgingFirst = url -> {
            forged.set(RawHttp.get(5004, "/callback.html?code=forged-code&state=" + java.util.UUID.randomUUID()));
            signingInAsDemoUser().open(url);
        };
        Cli.Run run = Cli.run(forgingFirst, "--demo");
        assertEquals(400, forged.get().status(), forged.get().body());
        assertEquals(0, run.exitCode(), run.toString());
    }

    @Test
    void ocsSignInStepsFailClearlyOnAPageThatIsNotOcs() throws Exception {
        LoginConfig config = Demo.config(Overrides.NONE);
        try (ProviderConnection connection = connection(config)) {
            URI keycloakLoginPage = connection.authorizationUrl(AuthorizationRequest.create(config), config.redirectUri(), false,
                    new Log(System.out, false, false)).url();
            chromium.driver.get(keycloakLoginPage.toString());
        }
        long started = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SignIn.OCS.signIn(chromium.driver, "someone@example.com", "secret"));
        long seconds = (System.nanoTime() - started) / 1_000_000_000;
        assertTrue(e.getMessage().startsWith("OCS sign-in: no By.xpath: //a[@title='Personal Account'] within 10 s"), e.getMessage());
        assertTrue(e.getMessage().contains("is this the expected sign-in page?"), e.getMessage());
        assertTrue(seconds < 15, seconds + " s");
    }

    /** Keycloak takes pushed authorization requests (RFC 9126): the browser gets a short address, with no PKCE or state in it. */
    @Test
    void thePushedRequestKeepsPkceAndStateOutOfTheBrowser() throws Exception {
        List<URI> opened = new java.util.ArrayList<>();
        Browser recording = url -> {
            opened.add(url);
            signingInAsDemoUser().open(url);
        };
        Cli.Run run = Cli.run(recording, "--demo");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(java.util.Set.of("client_id", "request_uri"), Queries.query(opened.get(0)).keySet(), opened.toString());
        assertTrue(run.err().contains("Pushing the authorization request to " + TestKeycloak.issuer()
                + "/protocol/openid-connect/ext/par/request"), run.err());
        assertEquals(200, TestKeycloak.userinfoStatus(run.out().strip()));
    }

    /** With the request pushed first, a wrong client or redirect URI fails at once, with Keycloak's own error, and no browser. */
    @Test
    void aWrongClientOrRedirectUriFailsAtOnceWithTheProvidersError() {
        Browser never = url -> {
            throw new AssertionError("the browser was opened for a request the provider refused: " + url);
        };
        for (String[] mistake : List.of(new String[] {"--client-id", "no-such-client"},
                new String[] {"--redirect-uri", "http://localhost:5999/not-registered.html"})) {
            List<String> args = new java.util.ArrayList<>(List.of("--demo", "--timeout", "300"));
            args.addAll(List.of(mistake));
            Cli.Run run = Cli.run(never, args.toArray(String[]::new));
            assertEquals(LoginException.Exit.AUTHORIZATION_FAILED.code, run.exitCode(), run.toString());
            assertTrue(run.errorLines().get(0).contains("The pushed authorization request endpoint refused the authorization request"),
                    run.toString());
            assertTrue(run.errorLines().get(0).contains(mistake[0].equals("--client-id") ? "Authentication failed" : "redirect_uri"),
                    run.toString());
            assertTrue(run.millis() < 3000, "at once, not after the timeout: " + run.millis() + " ms");
        }
    }

    /** offline_access (with prompt=consent, OpenID Connect Core §11): Keycloak issues an offline refresh token. */
    @Test
    void offlineAccessAsksForConsentAndGetsAnOfflineRefreshToken(@org.junit.jupiter.api.io.TempDir Path cache) throws Exception {
        Browser consenting = url -> {
            signingInAsDemoUser().open(url);
            try {
                SignIn.click(chromium.driver, "Keycloak consent", By.id("kc-login"), Duration.ofSeconds(3)); // "Yes", when asked
            } catch (IllegalStateException notAsked) {
                // Keycloak asks only clients that require consent; prompt=consent is proven where it counts (oidc-provider)
            }
        };
        Cli.Run run = Cli.run(consenting, "--demo", "--scope", "openid offline_access", "--output", "json",
                "--cache-dir", cache.toString());
        assertEquals(0, run.exitCode(), run.toString());
        JSONObject tokens = new JSONObject(run.out());
        assertEquals("Offline", SignedJWT.parse(tokens.getString("refresh_token")).getJWTClaimsSet().getStringClaim("typ"),
                "an offline refresh token");
        assertTrue(tokens.getString("scope").contains("offline_access"), tokens.getString("scope"));
    }

    /**
     * Keycloak can require pushed requests per client, which its discovery cannot say: the request is
     * pushed where the provider takes pushed requests, also for an address a person opens later
     * (--no-browser), and --no-par gets Keycloak's refusal with the way out (issue 23).
     */
    @Test
    void aClientThatRequiresPushedRequestsSignsInWhereverItsAddressIsOpened() throws Exception {
        Browser signingInAgain = url -> { // a new sign-in each time: Keycloak's session cookie from the last one goes
            chromium.driver.get(TestKeycloak.issuer() + "/.well-known/openid-configuration");
            chromium.driver.manage().deleteAllCookies();
            signingInAsDemoUser().open(url);
        };
        Cli.Run pushed = Cli.run(signingInAgain, "--demo", "--client-id", "ocs-pkce-login-par");
        assertEquals(0, pushed.exitCode(), pushed.toString());

        Cli.Run refused = Cli.run(url -> chromium.driver.get(url.toString()), "--demo", "--client-id", "ocs-pkce-login-par", "--no-par",
                "--timeout", "60");
        assertEquals(LoginException.Exit.AUTHORIZATION_FAILED.code, refused.exitCode(), refused.toString());
        assertTrue(refused.errorLines().get(0).contains("invalid_request (Pushed Authorization Request is only allowed.): the provider takes"
                + " pushed authorization requests (RFC 9126), which --no-par turned off, and some clients require them: leave --no-par out"),
                refused.toString());

        StringBuffer err = new StringBuffer();
        java.util.concurrent.CompletableFuture<Integer> printed = java.util.concurrent.CompletableFuture.supplyAsync(() -> OcsPkceLogin.run(
                Browser.NONE, () -> PasteBack.of(java.io.InputStream.nullInputStream()), new java.io.PrintStream(java.io.OutputStream.nullOutputStream()),
                new java.io.PrintStream(new LinesTo(err), true, java.nio.charset.StandardCharsets.UTF_8), "--demo", "--client-id",
                "ocs-pkce-login-par", "--no-browser", "--no-cache", "--timeout", "60"));
        try {
            assertTrue(Threads.await(() -> err.indexOf("Step 4:") >= 0, Duration.ofSeconds(60)), err.toString());
            String url = err.toString().lines().filter(line -> line.startsWith(TestKeycloak.issuer() + "/protocol/openid-connect/auth?"))
                    .reduce((a, b) -> b).orElseThrow();
            assertTrue(url.contains("request_uri="), "pushed: " + url);
            signingInAgain.open(URI.create(url));
            assertEquals(0, printed.get(60, java.util.concurrent.TimeUnit.SECONDS), err.toString());
        } finally {
            try {
                printed.get(70, java.util.concurrent.TimeUnit.SECONDS); // the redirect URI's port is free again for the next test
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ended) {
                // said above
            }
        }
    }

    /** An OutputStream whose text is kept in a buffer that another thread may read while it is written. */
    static final class LinesTo extends java.io.OutputStream {
        private final StringBuffer text;
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

        LinesTo(StringBuffer text) {
            this.text = text;
        }

        @Override
        public synchronized void write(int b) {
            pending.write(b);
            if (b == '\n') {
                text.append(pending.toString(java.nio.charset.StandardCharsets.UTF_8));
                pending.reset();
            }
        }
    }
}
