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
import java.util.ArrayList;
import java.util.List;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ocs-login api} against a scripted API beside the scripted provider (issue 27): the request
 * as asked (method, body, headers, the token), an OCS error said with its Message and Reason, a
 * redirect said and not followed, and a token refused right after it was obtained not retried.
 */
class ApiTest {

    @TempDir
    Path folder;

    private ScriptedProvider provider;
    private final List<URI> opened = new ArrayList<>();

    @BeforeEach
    void startProvider() throws Exception {
        provider = new ScriptedProvider();
        provider.answer("/token", ScriptedProvider.json(200, new JSONObject().put("access_token", "the-api-token").put("token_type", "Bearer")
                .put("expires_in", 300).toString()));
    }

    @AfterEach
    void stopProvider() throws Exception {
        provider.close();
    }

    private Cli.Run api(String... extra) {
        List<String> args = new ArrayList<>(List.of("--authority", provider.issuer().toString(), "--client-id", "cli", "--scope", "ocsapi",
                "--redirect-uri", Cli.freeRedirectUri(), "--api-base", provider.issuer() + "/api/v1", "--no-cache", "--timeout", "20", "api"));
        args.addAll(List.of(extra));
        return Cli.run(provider.signingIn(opened), args.toArray(String[]::new));
    }

    private List<ScriptedProvider.Request> sent(String path) {
        return provider.requests.stream().filter(request -> request.path().startsWith(path)).toList();
    }

    @Test
    void theRequestGoesAsAskedWithTheTokenAndTheAnswerToStdout() throws Exception {
        provider.answer("/api/v1/Streams", ScriptedProvider.json(201, "{\"Id\":\"s1\"}"));
        Path body = Files.writeString(folder.resolve("stream.json"), "{\"Id\":\"s1\",\"TypeId\":\"t\"}");
        Cli.Run run = api("Streams", "--input", body.toString(), "-H", "X-Request-Id: 42");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("{\"Id\":\"s1\"}", run.out(), "as it came, to a pipe");
        ScriptedProvider.Request request = sent("/api/v1/Streams").get(0);
        assertEquals("POST", request.method());
        assertEquals("{\"Id\":\"s1\",\"TypeId\":\"t\"}", request.body());
        assertTrue(request.head().contains("Authorization: Bearer the-api-token") && request.head().contains("X-Request-Id: 42")
                && request.head().toLowerCase(java.util.Locale.ROOT).contains("content-type: application/json"), request.head());
        assertFalse(run.err().contains("the-api-token"), "never on stderr");
    }

    @Test
    void anOcsErrorIsOneLineWithItsMessageAndReason() {
        provider.answer("/api/v1/Namespaces/x", ScriptedProvider.json(404, new JSONObject().put("OperationId", "7f3")
                .put("Message", "The namespace was not found.").put("Reason", "Namespace 'x' does not exist.").toString()));
        Cli.Run run = api("Namespaces/x");
        assertEquals(LoginException.Exit.API_REFUSED.code, run.exitCode(), run.toString());
        assertEquals(List.of("error: GET " + provider.issuer() + "/api/v1/Namespaces/x answered HTTP 404: The namespace was not found.;"
                + " Namespace 'x' does not exist."), run.errorLines().stream().map(line -> line.replaceAll(" Not Found", "")).toList());
        assertEquals("", run.out());
    }

    /** A mistake in the request (here: no ApiBase) is said before anything else: no browser, no request to the provider. */
    @Test
    void aRequestWithoutApiBaseIsSaidBeforeAnySignIn() {
        Cli.Run run = Cli.run(provider.signingIn(opened), "--authority", provider.issuer().toString(), "--client-id", "cli",
                "--redirect-uri", Cli.freeRedirectUri(), "--no-cache", "--timeout", "20", "api", "Namespaces");
        assertEquals(LoginException.Exit.CONFIG_KEY_MISSING.code, run.exitCode(), run.toString());
        assertTrue(run.errorLines().get(0).startsWith("error: api needs ApiBase"), run.toString());
        assertEquals(0, opened.size(), "no browser opened");
        assertEquals(List.of(), provider.requests, "nothing asked of the provider");
    }

    @Test
    void aRedirectIsSaidAndNotFollowed() {
        provider.answer("/api/v1/moved", ScriptedProvider.redirect(provider.issuer() + "/elsewhere"));
        Cli.Run run = api("moved");
        assertEquals(LoginException.Exit.API_REFUSED.code, run.exitCode(), run.toString());
        assertTrue(run.errorLines().get(0).contains("a redirect to " + provider.issuer() + "/elsewhere, which is not followed"), run.toString());
        assertTrue(sent("/elsewhere").isEmpty(), "never followed");
    }

    @Test
    void aTokenRefusedRightAfterItWasObtainedIsNotAskedForAgain() {
        provider.answer("/api/v1/x", ScriptedProvider.json(401, "{\"error\":\"invalid_token\"}"));
        Cli.Run run = api("x");
        assertEquals(LoginException.Exit.API_REFUSED.code, run.exitCode(), run.toString());
        assertEquals(1, sent("/api/v1/x").size(), "one request: a new token would not fare better");
        assertEquals(1, opened.size(), "one sign-in");
        assertTrue(run.errorLines().get(0).endsWith("answered HTTP 401: invalid_token") || run.errorLines().get(0).contains("HTTP 401"),
                run.toString());
    }
}
