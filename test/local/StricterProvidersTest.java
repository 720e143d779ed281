package cli;

import login.*;
import system.*;
import support.*;
import keycloak.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Providers as they behave, second round (issue 23): what Glewlwyd and LemonLDAP::NG showed, each
 * behaviour played by the scripted provider. ID tokens signed only with HMAC, a revocation endpoint
 * for clients with a secret only, pushed requests required or short-lived, narrower grants, and a
 * provider that fails with a 5xx.
 */
class StricterProvidersTest {

    @TempDir
    Path cache;

    private ScriptedProvider provider;
    private final List<URI> opened = new ArrayList<>();

    @BeforeEach
    void startProvider() throws Exception {
        provider = new ScriptedProvider();
        provider.answer("/token", ScriptedProvider.json(200, tokens("new-access-token", "new-refresh-token", null)));
    }

    @AfterEach
    void stopProvider() throws Exception {
        provider.close();
    }

    private static String tokens(String accessToken, String refreshToken, String scope) {
        JSONObject tokens = new JSONObject().put("access_token", accessToken).put("token_type", "Bearer").put("expires_in", 300);
        if (refreshToken != null) {
            tokens.put("refresh_token", refreshToken);
        }
        return (scope == null ? tokens : tokens.put("scope", scope)).toString();
    }

    /** A browser that signs in at once at the scripted provider. */
    private Browser signingIn() {
        return provider.signingIn(opened);
    }

    private URI lastPushed() {
        return provider.lastPushed();
    }

    private List<String> args(String... extra) {
        List<String> args = new ArrayList<>(List.of("--authority", provider.issuer().toString(), "--client-id", "cli", "--scope", "ocsapi",
                "--redirect-uri", Cli.freeRedirectUri(), "--timeout", "20", "--cache-dir", cache.toString()));
        args.addAll(List.of(extra));
        return args;
    }

    private Cli.Run login(String... extra) {
        return Cli.run(signingIn(), args(extra).toArray(String[]::new));
    }

    private long requestsTo(String path) {
        return provider.requests.stream().filter(request -> request.path().equals(path)).count();
    }

    /** 1. A provider that signs ID tokens only with HMAC: refused at step 1, before anyone signs in. */
    @Test
    void idTokensSignedOnlyWithHmacAreSaidAtStepOne() {
        provider.discoveryWith(document -> document.put("id_token_signing_alg_values_supported", List.of("HS256", "HS384", "HS512")));
        Cli.Run run = login("--scope", "openid ocsapi", "--no-cache");
        assertEquals(LoginException.Exit.PROVIDER_INVALID.code, run.exitCode(), run.toString());
        assertTrue(run.errorLines().get(0).contains("lists only HS256, HS384, HS512 to sign ID tokens (id_token_signing_alg_values_supported),"
                + " which this client cannot check: an HMAC needs a client secret, and none is no signature"
                + " (OpenID Connect Core section 10.1)."
                + " Ask the provider's admin to sign this client's ID tokens with RS256"), run.toString());
        assertTrue(opened.isEmpty(), "nobody was sent to sign in");
        assertEquals(0, requestsTo("/token"));
        assertEquals(0, login("--no-cache").exitCode(), "without openid, no ID token is checked: the login works");
    }

    /** A machine's login, with its secret in a 0600 file. */
    private Cli.Run machine(String... extra) throws Exception {
        Path secret = Files.writeString(cache.resolve("secret"), "s3cr3t\n");
        Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        List<String> args = new ArrayList<>(List.of("--authority", provider.issuer().toString(), "--client-id", "cli",
                "--client-credentials", "--client-secret-file", secret.toString(), "--no-cache"));
        args.addAll(List.of(extra));
        return Cli.run(Browser.NONE, args.toArray(String[]::new));
    }

    /** 2. A machine's invalid_scope: what was sent (nothing, unless Scope says), and the scope blamed, not the credentials. */
    @Test
    void aMachinesInvalidScopeSaysWhatWasSent() throws Exception {
        provider.answer("/token", ScriptedProvider.json(400, "{\"error\":\"invalid_scope\"}"));
        Cli.Run none = machine();
        assertEquals(LoginException.Exit.TOKEN_REJECTED.code, none.exitCode(), none.toString());
        assertTrue(none.errorLines().get(0).startsWith("error: The token endpoint refused the scope (HTTP 400): invalid_scope"), none.toString());
        assertTrue(none.errorLines().get(0).contains("no scope was sent (a machine asks for none unless Scope is set, or for OCS)"), none.toString());
        Cli.Run some = machine("--scope", "api.read");
        assertTrue(some.errorLines().get(0).contains("the scopes sent were 'api.read' (--scope)"), some.toString());
    }

    /** 3. --logout where only clients with a secret may revoke: the tokens are removed, and the refresh token's fate said. */
    @Test
    void logoutWhereRevocationNeedsASecretRemovesTheTokensAndSaysSo() throws Exception {
        provider.discoveryWith(document -> document.put("revocation_endpoint", provider.issuer() + "/revoke")
                .put("revocation_endpoint_auth_methods_supported", List.of("client_secret_basic")));
        provider.answer("/revoke", ScriptedProvider.json(400, "{\"error\":\"invalid_client\"}"));
        assertEquals(0, login().exitCode());
        Cli.Run listed = login("--logout");
        assertEquals(0, listed.exitCode(), listed.toString());
        assertTrue(listed.err().contains("The provider's revocation endpoint takes only clients with a secret (RFC 7009 section 2.1), so the"
                + " refresh token stays valid there until it expires (it answered HTTP 400; its revocation_endpoint_auth_methods_supported"
                + " lists no 'none')"), listed.err());
        assertTrue(listed.err().contains("Removed the cached tokens"), listed.err());

        provider.discoveryWith(document -> document.put("revocation_endpoint", provider.issuer() + "/revoke"));
        provider.answer("/revoke", ScriptedProvider.raw(401, "text/plain", ""));
        assertEquals(0, login().exitCode());
        Cli.Run refused = login("--logout");
        assertEquals(0, refused.exitCode(), refused.toString());
        assertTrue(refused.err().contains("stays valid there until it expires (it answered HTTP 401)"), refused.err());
        assertTrue(refused.err().contains("Removed the cached tokens"), refused.err());
        assertEquals(0, login("--logout").exitCode(), "nothing left: the next --logout is fine too");
    }

    /** 4. A narrower grant than asked for is said in one line; offline_access only when no refresh token came. */
    @Test
    void aNarrowerGrantIsSaid() {
        provider.answer("/token", ScriptedProvider.json(200, tokens("t", null, "openid profile")));
        Cli.Run run = login("--scope", "ocsapi profile offline_access", "--no-cache", "--no-par");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().contains("warning: the provider did not grant ocsapi of the scope asked for (it granted 'openid profile'):"
                + " an API that needs it will refuse the token (ask the provider's admin to allow it for client cli)"), run.err());
        assertTrue(run.err().contains("warning: no refresh token came, though the scope asked for offline_access"), run.err());

        provider.answer("/token", ScriptedProvider.json(200, tokens("t", "r", "ocsapi")));
        Cli.Run granted = login("--scope", "ocsapi offline_access", "--no-cache");
        assertFalse(granted.err().contains("warning:"), "a refresh token came: offline access was granted: " + granted.err());
    }

    /** 5. A pushed request refused without RFC 6749's error object names the two likely causes, as the browser path does. */
    @Test
    void aPushedRequestRefusedWithAnEmptyBodyNamesTheClientAndTheRedirectUri() {
        provider.discoveryWith(document -> document.put("pushed_authorization_request_endpoint", provider.issuer() + "/par"));
        provider.answer("/par", ScriptedProvider.raw(403, "text/plain", ""));
        Cli.Run run = login("--no-cache");
        assertEquals(LoginException.Exit.AUTHORIZATION_FAILED.code, run.exitCode(), run.toString());
        assertTrue(run.errorLines().get(0).contains("it answered HTTP 403 with an empty body: check that ClientId 'cli' is a client of"
                + " this provider that may use the Authorization Code flow, and that its redirect URIs hold http://localhost:"),
                run.toString());
    }

    /** 6. require_pushed_authorization_requests: --no-par is refused at once, and --paste pushes. */
    @Test
    void aProviderThatRequiresPushedRequestsGetsThem() throws Exception {
        provider.discoveryWith(document -> document.put("pushed_authorization_request_endpoint", provider.issuer() + "/par")
                .put("require_pushed_authorization_requests", true));
        provider.answer("/par", ScriptedProvider.json(201, "{\"request_uri\":\"urn:ietf:params:oauth:request_uri:abc\",\"expires_in\":60}"));
        Cli.Run noPar = login("--no-cache", "--no-par");
        assertEquals(LoginException.Exit.USAGE.code, noPar.exitCode(), noPar.toString());
        assertTrue(noPar.errorLines().get(0).contains("--no-par cannot sign in here: the provider requires pushed authorization requests"),
                noPar.toString());
        assertTrue(opened.isEmpty() && requestsTo("/par") == 0, "at once: nothing pushed, nobody sent to sign in");
        assertTrue(noPar.millis() < 10_000, noPar.millis() + " ms");

        Cli.Run pushed = login("--no-cache");
        assertEquals(0, pushed.exitCode(), pushed.toString());
        assertTrue(pushed.err().contains("(RFC 9126, which this provider requires)"), pushed.err());
    }

    /** 6 and 9. --paste pushes where that is required, and says so before step 3, not between its line and the URL. */
    @Test
    void withPasteThePushIsSaidBeforeStepThree() throws Exception {
        provider.discoveryWith(document -> document.put("pushed_authorization_request_endpoint", provider.issuer() + "/par")
                .put("require_pushed_authorization_requests", true));
        provider.answer("/par", ScriptedProvider.json(201, "{\"request_uri\":\"urn:ietf:params:oauth:request_uri:abc\",\"expires_in\":60}"));
        PipedOutputStream typing = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(typing);
        Thread person = pasting(typing, Duration.ofSeconds(1));
        Cli.Run run = Cli.run(Browser.NONE, stdin, args("--paste", "--no-cache").toArray(String[]::new));
        person.join();
        assertEquals(0, run.exitCode(), run.toString());
        List<String> lines = run.err().lines().toList();
        int pushing = indexOf(lines, "Pushing the authorization request to ");
        int step3 = indexOf(lines, "Step 3: ");
        assertTrue(pushing >= 0 && pushing < step3, run.err());
        assertTrue(lines.get(step3 + 1).startsWith(provider.issuer() + "/authorize?client_id=cli&request_uri="), "the URL follows step 3: "
                + run.err());
    }

    /** Someone who, after {@code wait}, pastes the callback of the last pushed request. */
    private Thread pasting(PipedOutputStream typing, Duration wait) {
        Thread person = new Thread(() -> {
            try {
                Thread.sleep(wait.toMillis());
                Map<String, String> request = Queries.query(lastPushed());
                typing.write((request.get("redirect_uri") + "?code=the-code&state=" + request.get("state") + "\n").getBytes(StandardCharsets.UTF_8));
                typing.flush();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        person.start();
        return person;
    }

    private static int indexOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    /** 7. A 5xx from a refresh is the provider failing: the entry is kept, and --force-login named. */
    @Test
    void aRefreshThatFailsWithAServerErrorKeepsTheTokensAndNamesForceLogin() throws Exception {
        assertEquals(0, login().exitCode());
        expireTheCachedToken();
        provider.answer("/token", ScriptedProvider.json(500, "{\"error\":\"server_error\",\"error_description\":\"database down\"}"));
        Cli.Run run = login();
        assertEquals(LoginException.Exit.PROVIDER_UNREACHABLE.code, run.exitCode(), run.toString());
        String line = run.errorLines().get(0);
        assertTrue(line.contains("failed (HTTP 500, server_error: database down) on the refresh token: the provider's fault, not this"
                + " client's. The cached tokens were kept, so the next run tries the refresh again; --force-login signs in now instead"), line);
        assertFalse(line.contains("RFC 6749 section 5.2"), line);
        provider.answer("/token", ScriptedProvider.raw(503, "text/html", "<html>maintenance</html>"));
        Cli.Run html = login();
        assertEquals(LoginException.Exit.PROVIDER_UNREACHABLE.code, html.exitCode());
        assertTrue(html.errorLines().get(0).contains("failed (HTTP 503 with an HTML page) on the refresh token"), html.toString());
        provider.answer("/token", ScriptedProvider.json(200, tokens("refreshed", "r2", null)));
        Cli.Run again = login();
        assertEquals("refreshed\n", again.out(), "the refresh token was kept for the next run: " + again);
    }

    private void expireTheCachedToken() throws Exception {
        try (var files = Files.list(cache)) {
            for (Path file : files.filter(name -> name.toString().endsWith(".json")).toList()) {
                Files.writeString(file, new JSONObject(Files.readString(file)).put("expires_at", Instant.now().getEpochSecond() - 10).toString());
            }
        }
    }

    /** 8. A machine's login ends with a result line, as the other grants do. */
    @Test
    void aMachinesLoginEndsWithAResultLine() throws Exception {
        Cli.Run run = machine();
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().contains("Step 3: Got an access token valid for 300 s; it goes to stdout"), run.err());
    }

    /** 10. Provider faults in plain words: a 500 at the code exchange is the provider failing, not a refused code. */
    @Test
    void aServerErrorAtTheExchangeIsTheProviderFailing() {
        provider.answer("/token", ScriptedProvider.json(500, "{\"error\":\"server_error\"}"));
        Cli.Run run = login("--no-cache");
        assertEquals(LoginException.Exit.PROVIDER_UNREACHABLE.code, run.exitCode(), run.toString());
        assertTrue(run.errorLines().get(0).contains("failed (HTTP 500, server_error) on the code: the provider's fault, not this client's"),
                run.toString());
    }

    /**
     * 11. A pushed request lives a short time: an address printed for a person to open (--paste,
     * --no-browser), who may open it later, is renewed when it expires, with the time said.
     */
    @Test
    void anExpiredPushedAddressIsRenewedForWhoOpensItLater() throws Exception {
        provider.discoveryWith(document -> document.put("pushed_authorization_request_endpoint", provider.issuer() + "/par"));
        provider.answer("/par", ScriptedProvider.json(201, "{\"request_uri\":\"urn:ietf:params:oauth:request_uri:abc\",\"expires_in\":2}"));
        PipedOutputStream typing = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(typing);
        Thread person = pasting(typing, Duration.ofSeconds(5));
        Cli.Run pasted = Cli.run(Browser.NONE, stdin, args("--paste", "--no-cache").toArray(String[]::new));
        person.join();
        assertEquals(0, pasted.exitCode(), pasted.toString());
        assertTrue(pasted.err().contains("sign in within 2 s (it refers to a pushed request, which lasts that long; a new address is printed"
                + " then):"), pasted.err());
        assertTrue(pasted.err().contains("The address above has expired (its pushed request lasts 2 s); open this one instead within 2 s"),
                pasted.err());
        assertTrue(requestsTo("/par") >= 2, "pushed again: " + requestsTo("/par"));

        provider.requests.clear();
        String redirectUri = Cli.freeRedirectUri();
        Thread late = new Thread(() -> {
            try {
                Thread.sleep(5_000);
                Cli.answeringWith(Map.of("code", "the-code")).open(lastPushed());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        late.start();
        Cli.Run printed = Cli.run(Browser.NONE, "--authority", provider.issuer().toString(), "--client-id", "cli", "--scope", "ocsapi",
                "--redirect-uri", redirectUri, "--timeout", "20", "--no-browser", "--no-cache");
        late.join();
        assertEquals(0, printed.exitCode(), printed.toString());
        assertTrue(printed.err().contains("The address above has expired"), printed.err());
        assertTrue(requestsTo("/par") >= 2);
    }
}
