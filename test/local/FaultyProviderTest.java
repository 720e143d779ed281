package cli;

import login.*;
import system.*;
import support.*;
import keycloak.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A broken or hostile identity provider never makes the login hang or accept its answer: each case
 * ends with one error line and its exit code, within the configured time limits.
 */
class FaultyProviderTest {

    private static final int READ_TIMEOUT = 2;

    private ScriptedProvider provider;

    @BeforeEach
    void startProvider() throws Exception {
        provider = new ScriptedProvider();
    }

    @AfterEach
    void stopProvider() throws Exception {
        provider.close();
    }

    /** The command line against the scripted provider, with a front channel that returns a code. */
    private Cli.Run login(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("--authority", provider.issuer().toString(), "--client-id", "cli",
                "--redirect-uri", Cli.freeRedirectUri(), "--read-timeout", String.valueOf(READ_TIMEOUT),
                "--connect-timeout", "2", "--timeout", "10"));
        args.addAll(List.of(extra));
        return Cli.run(Cli.answeringWith(Map.of("code", "the-code")), args.toArray(String[]::new));
    }

    /** One error line with the expected exit code, no stack trace, nothing on stdout, and in time. */
    private static Cli.Run assertFailsWith(LoginException.Exit exit, String messagePart, Cli.Run run) {
        assertEquals(exit.code, run.exitCode(), run.toString());
        assertEquals(1, run.errorLines().size(), run.toString());
        assertTrue(run.errorLines().get(0).contains(messagePart), run.toString());
        assertFalse(run.err().contains("\tat "), "no stack trace without --verbose: " + run);
        assertEquals("", run.out(), run.toString());
        assertTrue(run.millis() < (READ_TIMEOUT + 3) * 1000L, "took " + run.millis() + " ms");
        return run;
    }

    private void discoveryAnswers(ScriptedProvider.Answer answer) {
        provider.answer("/.well-known/openid-configuration", answer);
    }

    @Test
    void discoveryAnswering500IsRefused() {
        discoveryAnswers(ScriptedProvider.raw(500, "text/plain", "boom"));
        assertFailsWith(LoginException.Exit.PROVIDER_INVALID, "answered HTTP 500", login());
    }

    @Test
    void discoveryAnsweringHtmlIsRefused() {
        discoveryAnswers(ScriptedProvider.raw(200, "text/html", "<!DOCTYPE html><html><body>Sign in</body></html>"));
        assertFailsWith(LoginException.Exit.PROVIDER_INVALID, "not a JSON object", login());
    }

    @Test
    void discoveryWithTruncatedJsonIsRefused() {
        discoveryAnswers(ScriptedProvider.json(200, "{\"issuer\": \"" + provider.issuer() + "\", \"authorization_end"));
        assertFailsWith(LoginException.Exit.PROVIDER_INVALID, "not a JSON object", login());
    }

    @Test
    void discoveryCutOffMidBodyIsRefused() {
        discoveryAnswers(ScriptedProvider.truncated("{\"issuer\": \"", 5000));
        assertFailsWith(LoginException.Exit.PROVIDER_UNREACHABLE, "discovery document", login());
    }

    @Test
    void discoveryOfManyMegabytesIsCutAtTheCap() {
        discoveryAnswers(ScriptedProvider.flood(64));
        assertFailsWith(LoginException.Exit.PROVIDER_INVALID, "more than 1024 KiB", login());
    }

    @Test
    void discoveryRedirectToAnotherHostIsNotFollowed() {
        discoveryAnswers(ScriptedProvider.redirect("https://elsewhere.example/.well-known/openid-configuration"));
        Cli.Run run = assertFailsWith(LoginException.Exit.PROVIDER_INVALID, "redirected with HTTP 302 to https://elsewhere.example", login());
        assertEquals(1, provider.requests.size(), "nothing but the first request was made");
    }

    @Test
    void discoveryThatNeverAnswersTimesOut() {
        discoveryAnswers(provider.silence());
        assertFailsWith(LoginException.Exit.PROVIDER_UNREACHABLE, "no complete answer within 2 s", login());
    }

    @Test
    void discoveryThatStopsMidBodyTimesOut() {
        discoveryAnswers(provider.headersThenSilence());
        assertFailsWith(LoginException.Exit.PROVIDER_UNREACHABLE, "no complete answer within 2 s", login());
    }

    @Test
    void providerThatIsNotListeningIsReportedAsUnreachable() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = probe.getLocalPort();
        }
        Cli.Run run = Cli.run(Browser.NONE, "--authority", "http://127.0.0.1:" + closedPort + "/realms/x", "--client-id", "c");
        assertFailsWith(LoginException.Exit.PROVIDER_UNREACHABLE, "connection refused", run);
    }

    @Test
    void discoveryNamingAnotherIssuerIsRefused() {
        discoveryAnswers(ScriptedProvider.json(200, provider.discovery().put("issuer", "https://evil.example").toString()));
        assertFailsWith(LoginException.Exit.PROVIDER_INVALID, "names the issuer 'https://evil.example'", login());
    }

    @Test
    void discoveryWithoutTokenEndpointIsRefused() {
        JSONObject document = provider.discovery();
        document.remove("token_endpoint");
        discoveryAnswers(ScriptedProvider.json(200, document.toString()));
        assertFailsWith(LoginException.Exit.PROVIDER_INVALID, "has no token_endpoint", login());
    }

    @Test
    void discoveryWithoutS256IsRefused() {
        discoveryAnswers(ScriptedProvider.json(200, provider.discovery().put("code_challenge_methods_supported", List.of("plain")).toString()));
        assertFailsWith(LoginException.Exit.PROVIDER_INVALID, "without S256", login());
    }

    @Test
    void plainHttpEndpointOnAnotherHostIsRefused() {
        discoveryAnswers(ScriptedProvider.json(200, provider.discovery().put("token_endpoint", "http://tokens.example/token").toString()));
        assertFailsWith(LoginException.Exit.PROVIDER_INVALID, "token_endpoint 'http://tokens.example/token'", login());
    }

    @Test
    void controlCharactersFromTheProviderNeverReachTheTerminal() {
        discoveryAnswers(ScriptedProvider.json(200, provider.discovery().put("issuer", "x\u001b[2J\u001b]0;pwned\u0007\r\nfake line").toString()));
        Cli.Run run = assertFailsWith(LoginException.Exit.PROVIDER_INVALID, "names the issuer 'x?[2J?]0;pwned???fake line'", login());
        assertFalse(run.err().contains("\u001b"), run.toString());
    }

    @Test
    void authorizationResponseFromAnotherIssuerEndsTheLogin() {
        discoveryAnswers(ScriptedProvider.json(200, provider.discovery().put("authorization_response_iss_parameter_supported", true).toString()));
        Cli.Run run = Cli.run(Cli.answeringWith(Map.of("code", "c", "iss", "https://evil.example")), "--authority",
                provider.issuer().toString(), "--client-id", "cli", "--redirect-uri", Cli.freeRedirectUri(), "--timeout", "10");
        assertFailsWith(LoginException.Exit.AUTHORIZATION_FAILED, "comes from the issuer 'https://evil.example'", run);
        assertTrue(provider.requests.stream().noneMatch(request -> request.path().equals("/token")), "the code was not redeemed");
    }

    @Test
    void invalidScopeSaysWhichScopesWereSentAndWhere() {
        Cli.Run run = Cli.run(Cli.answeringWith(Map.of("error", "invalid_scope")), "--authority", provider.issuer().toString(),
                "--client-id", "cli", "--redirect-uri", Cli.freeRedirectUri(), "--timeout", "10");
        assertFailsWith(LoginException.Exit.AUTHORIZATION_FAILED, "invalid_scope", run);
        assertTrue(run.errorLines().get(0).contains("the scopes sent were 'openid' (the default for an OpenID Connect provider)"),
                run.toString());
    }

    @Test
    void tokenEndpointAnswering500WithHtmlIsTheProviderFailing() {
        provider.answer("/token", ScriptedProvider.raw(500, "text/html", "<html>Internal error</html>"));
        assertFailsWith(LoginException.Exit.PROVIDER_UNREACHABLE, "token endpoint at " + provider.issuer() + "/token failed (HTTP 500 with"
                + " an HTML page) on the code: the provider's fault, not this client's", login());
    }

    @Test
    void tokenErrorBecomesATypedErrorWithStatusErrorAndDescription() {
        provider.answer("/token", ScriptedProvider.json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Code not valid\"}"));
        Cli.Run run = assertFailsWith(LoginException.Exit.TOKEN_REJECTED, "invalid_grant (Code not valid)", login());
        assertTrue(run.errorLines().get(0).contains("HTTP 400"), run.toString());
        assertTrue(provider.requests.stream().anyMatch(request -> request.path().equals("/token")
                && request.body().contains("grant_type=authorization_code") && request.body().contains("code=the-code")
                && request.body().contains("code_verifier=") && request.body().contains("client_id=cli")
                && request.body().contains("redirect_uri=")), provider.requests.toString());
    }

    @Test
    void aRefusedClientIsTypedForCallers() throws Exception {
        provider.answer("/token", ScriptedProvider.json(401, "{\"error\":\"invalid_client\"}"));
        LoginConfig config = ConfigFiles.find(null, Overrides.NONE.with(Setting.AUTHORITY, provider.issuer().toString())
                .with(Setting.CLIENT_ID, "c"), java.util.Map.of(), java.nio.file.Files.createTempDirectory("no-config"));
        Limits limits = new Limits(Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(2));
        try (ProviderConnection connection = ProviderConnection.open(config, new ClientAuthentication.None("c", "its secret"), limits,
                new Log(System.err, false, true))) {
            LoginException.ClientRefused e = assertThrows(LoginException.ClientRefused.class, () -> connection.exchange("code",
                    AuthorizationRequest.create(config), java.net.URI.create("http://localhost:5004/callback.html"), new Log(System.err, false, true)));
            assertEquals(401, e.httpStatus());
            assertEquals("invalid_client", e.error());
            assertTrue(e.errorDescription().isEmpty());
        }
    }

    @Test
    void tokenEndpointThatNeverAnswersTimesOut() {
        provider.answer("/token", provider.silence());
        assertFailsWith(LoginException.Exit.PROVIDER_UNREACHABLE, "no complete answer within 2 s", login());
    }

    @Test
    void tokenResponseOfManyMegabytesIsCutAtTheCap() {
        provider.answer("/token", ScriptedProvider.flood(32));
        assertFailsWith(LoginException.Exit.PROVIDER_INVALID, "more than 1024 KiB", login());
    }

    @Test
    void tokenResponseWithoutAccessTokenIsRefused() {
        provider.answer("/token", ScriptedProvider.json(200, "{\"token_type\":\"Bearer\"}"));
        assertFailsWith(LoginException.Exit.PROVIDER_INVALID, "without an access_token", login());
    }

    @Test
    void tokenOfAnotherTypeThanBearerIsRefused() {
        provider.answer("/token", ScriptedProvider.json(200, "{\"access_token\":\"a\",\"token_type\":\"DPoP\"}"));
        assertFailsWith(LoginException.Exit.PROVIDER_INVALID, "a token of type 'DPoP', not a Bearer token", login());
        provider.answer("/token", ScriptedProvider.json(200, "{\"access_token\":\"a\"}"));
        assertFailsWith(LoginException.Exit.PROVIDER_INVALID, "a token of type '', not a Bearer token", login());
    }

    @Test
    void tokenResponseWithoutIdTokenIsEnoughWhenTheScopeHasNoOpenid() {
        provider.answer("/token", ScriptedProvider.json(200, "{\"access_token\":\"the-access-token\",\"token_type\":\"bearer\"}"));
        Cli.Run run = login("--scope", "ocsapi");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("the-access-token\n", run.out().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void tokenResponseWithoutIdTokenIsRefusedWhenTheScopeHasOpenid() {
        provider.answer("/token", ScriptedProvider.json(200, "{\"access_token\":\"a\",\"token_type\":\"Bearer\"}"));
        assertFailsWith(LoginException.Exit.PROVIDER_INVALID, "without an id_token although the scope has openid", login("--scope", "openid"));
    }

    @Test
    void idTokenThatIsNotAStringIsRefused() {
        for (Object idToken : new Object[] {42, JSONObject.NULL, new JSONObject().put("sub", "x")}) {
            provider.answer("/token", ScriptedProvider.json(200, new JSONObject().put("access_token", "a").put("token_type", "Bearer")
                    .put("id_token", idToken).toString()));
            assertFailsWith(LoginException.Exit.PROVIDER_INVALID, "with an id_token that is not a string", login());
        }
    }

    @Test
    void aProvidersOwnIdTokenClaimsAreNeverPassedOn() {
        provider.answer("/token", ScriptedProvider.json(200, new JSONObject().put("access_token", "a").put("token_type", "Bearer")
                .put("id_token_claims", new JSONObject().put("sub", "admin")).toString()));
        Cli.Run run = login("--scope", "ocsapi", "--output", "json");
        assertEquals(0, run.exitCode(), run.toString());
        assertFalse(new JSONObject(run.out()).has("id_token_claims"), run.out());
    }

    @Test
    void accessTokenThatIsNotOneBearerTokenIsRefused() {
        for (String token : new String[] {"line1\nline2", "two words", "a\u001b]52;c;ZXZpbA==\u0007", "ok\u202e"}) {
            provider.answer("/token", ScriptedProvider.json(200, new JSONObject().put("access_token", token).put("token_type", "Bearer")
                    .toString()));
            Cli.Run run = assertFailsWith(LoginException.Exit.PROVIDER_INVALID, "characters that no bearer token has", login("--scope", "ocsapi"));
            assertFalse(run.err().contains("\u001b") || run.err().contains("\u202e"), run.toString());
        }
    }

    @Test
    void expiresInWithTerminalEscapesIsNotPrinted() {
        provider.answer("/token", ScriptedProvider.json(200, new JSONObject().put("access_token", "a").put("token_type", "Bearer")
                .put("expires_in", "\u001b]52;c;ZXZpbA==\u0007\u001b[2J" + "x".repeat(10_000)).toString()));
        Cli.Run run = login("--scope", "ocsapi");
        assertEquals(0, run.exitCode(), run.toString());
        assertFalse(run.err().contains("\u001b") || run.err().contains("\u0007") || run.err().contains("xxxx"), run.toString());
        assertTrue(run.err().contains("Step 6: Got an access token; it goes to stdout"), run.toString());
    }

    @Test
    void bidiAndZeroWidthCharactersFromTheProviderAreNeutralised() {
        discoveryAnswers(ScriptedProvider.json(200, provider.discovery().put("issuer", "https://good.example\u202e\u2066\u200bx").toString()));
        Cli.Run run = assertFailsWith(LoginException.Exit.PROVIDER_INVALID, "names the issuer 'https://good.example???x'", login());
        assertFalse(run.err().contains("\u202e") || run.err().contains("\u2066") || run.err().contains("\u200b"), run.toString());
    }

    /** The ID token's sub, shown with --verbose, is a provider's text like any other. */
    @Test
    void verboseShowsTheSubjectSanitised() throws Exception {
        com.nimbusds.jose.jwk.RSAKey key = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("k").generate();
        provider.answer("/jwks", ScriptedProvider.json(200, new com.nimbusds.jose.jwk.JWKSet(key.toPublicJWK()).toString()));
        Browser signingWithTheLoginsNonce = url -> {
            idToken(key, Queries.query(url).get("nonce"), "user\u001b[2J\u001b]0;pwned\u0007\u202e");
            Cli.answeringWith(Map.of("code", "the-code")).open(url);
        };
        Cli.Run run = Cli.run(signingWithTheLoginsNonce, "--authority", provider.issuer().toString(), "--client-id", "cli",
                "--redirect-uri", Cli.freeRedirectUri(), "--timeout", "10", "--verbose");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().contains("ID token valid: sub user?[2J?]0;pwned??"), run.toString());
        assertFalse(run.err().contains("\u001b") || run.err().contains("\u202e"), run.toString());
    }

    @Test
    void idTokenThatFailsValidationEndsTheLogin() throws Exception {
        com.nimbusds.jose.jwk.RSAKey key = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("k").generate();
        provider.answer("/jwks", ScriptedProvider.json(200, new com.nimbusds.jose.jwk.JWKSet(key.toPublicJWK()).toString()));
        String idToken = idToken(key, "not-the-one-sent");
        Cli.Run run = assertFailsWith(LoginException.Exit.ID_TOKEN_INVALID, "its nonce is not the one this login sent", login());
        assertFalse(run.err().contains(idToken), "the token is not printed");
    }

    @Test
    void keySetThatCannotBeFetchedEndsTheLogin() throws Exception {
        com.nimbusds.jose.jwk.RSAKey key = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("k").generate();
        provider.answer("/jwks", ScriptedProvider.raw(500, "text/html", "<html>down</html>"));
        idToken(key, null);
        assertFailsWith(LoginException.Exit.PROVIDER_INVALID, "The key set (jwks_uri) at " + provider.issuer() + "/jwks", login());
    }

    /** Makes the token endpoint answer with an ID token for client "cli", signed with {@code key}. */
    private String idToken(com.nimbusds.jose.jwk.RSAKey key, String nonce) throws Exception {
        return idToken(key, nonce, "u");
    }

    private String idToken(com.nimbusds.jose.jwk.RSAKey key, String nonce, String subject) throws Exception {
        String idToken = IdTokens.rs256(key, new com.nimbusds.jwt.JWTClaimsSet.Builder().issuer(provider.issuer().toString())
                .subject(subject).audience("cli").issueTime(new java.util.Date())
                .expirationTime(new java.util.Date(System.currentTimeMillis() + 60_000)).claim("nonce", nonce).build());
        provider.answer("/token", ScriptedProvider.json(200, new JSONObject().put("access_token", "a").put("token_type", "Bearer")
                .put("id_token", idToken).toString()));
        return idToken;
    }

    @Test
    void tokenEndpointRedirectIsNotFollowed() {
        provider.answer("/token", ScriptedProvider.redirect("https://elsewhere.example/token"));
        assertFailsWith(LoginException.Exit.PROVIDER_INVALID, "redirects are not followed", login());
    }

    private static String tokens(Object expiresIn) {
        return new JSONObject().put("access_token", "the-access-token").put("token_type", "Bearer").put("expires_in", expiresIn)
                .put("refresh_token", "the-refresh-token").toString();
    }

    /** RFC 6749 §5.1's expires_in, out of any range (10^17, 2^63-1): an unknown lifetime, never a crash after the code was spent. */
    @Test
    void anExpiresInOutOfRangeIsAnUnknownLifetimeAtLoginAndAtRefresh(@org.junit.jupiter.api.io.TempDir java.nio.file.Path cache)
            throws Exception {
        for (Object expiresIn : List.of(new java.math.BigInteger("100000000000000000"), Long.MAX_VALUE, 1e300)) {
            provider.answer("/token", ScriptedProvider.json(200, tokens(expiresIn)));
            Cli.Run run = login("--scope", "ocsapi", "--cache-dir", cache.toString(), "--force-login");
            assertEquals(0, run.exitCode(), expiresIn + ": " + run);
            assertEquals("the-access-token\n", run.out());
            assertFalse(run.err().contains("valid for"), "no lifetime is claimed: " + run.err());
        }
        provider.answer("/token", ScriptedProvider.json(200, tokens(Long.MAX_VALUE).replace("the-access-token", "refreshed-token")));
        Cli.Run refresh = login("--scope", "ocsapi", "--cache-dir", cache.toString());
        assertEquals(0, refresh.exitCode(), refresh.toString());
        assertTrue(refresh.err().contains("Refreshing the access token"), "a token of unknown lifetime is refreshed: " + refresh);
        assertEquals("refreshed-token\n", refresh.out());
    }

    /** RFC 7009 §2.2: 200 means the token is revoked, whatever the body says. */
    @Test
    void aRevocationAnsweredTwoHundredWithAnyBodyIsASuccess(@org.junit.jupiter.api.io.TempDir java.nio.file.Path cache) {
        provider.discoveryWith(document -> document.put("revocation_endpoint", provider.issuer() + "/revoke"));
        for (String body : List.of("ok", "", "<html>revoked</html>", "{\"revoked\": true}")) {
            provider.answer("/token", ScriptedProvider.json(200, tokens(300)));
            assertEquals(0, login("--scope", "ocsapi", "--cache-dir", cache.toString()).exitCode());
            provider.answer("/revoke", ScriptedProvider.raw(200, "text/plain", body));
            Cli.Run logout = Cli.run(Browser.NONE, "--authority", provider.issuer().toString(), "--client-id", "cli", "--scope", "ocsapi",
                    "--cache-dir", cache.toString(), "--logout");
            assertEquals(0, logout.exitCode(), "'" + body + "': " + logout);
            assertTrue(logout.err().contains("Revoked the refresh token at " + provider.issuer() + "/revoke"), logout.toString());
            assertTrue(logout.err().contains("Removed the cached tokens"), logout.toString());
        }
    }

    /** --ca-file: real CA bundles fit, and anything far larger is refused at once, unread. */
    @Test
    void aCaFileOfHundredsOfMegabytesIsRefusedAtOnce(@org.junit.jupiter.api.io.TempDir java.nio.file.Path folder) throws Exception {
        java.nio.file.Path huge = folder.resolve("huge.pem");
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
            file.setLength(200L << 20);
        }
        long started = System.nanoTime();
        Cli.Run run = login("--ca-file", huge.toString());
        assertEquals(LoginException.Exit.CONFIG_INVALID.code, run.exitCode(), run.toString());
        assertTrue(run.errorLines().get(0).contains("is larger than " + (8 * 1024 * 1024) / (1024 * 1024) + " MiB"), run.toString());
        assertTrue(System.nanoTime() - started < 3_000_000_000L, "at once");
        assertTrue(java.nio.file.Files.size(java.nio.file.Path.of("/etc/ssl/certs/ca-certificates.crt")) < (8 * 1024 * 1024) / 4,
                "a real bundle fits with room to spare");
    }
}
