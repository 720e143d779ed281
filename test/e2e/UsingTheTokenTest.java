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
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Using the token (issue 27) against the real Keycloak, whose userinfo endpoint stands for an API:
 * {@code api} (placeholders, a body from stdin, an error in one line, the retry after a refused token,
 * no token to another origin), {@code exec} (the token in the child's environment and in no process's
 * command line, its exit code and signals passed through), {@code -o header} for curl through process
 * substitution, and two profiles with an entry each.
 */
class UsingTheTokenTest extends WithChromium {

    private static final String REALM = "http://127.0.0.1:18080/realms/ocs-pkce-demo";

    @TempDir
    Path folder;

    private final AtomicInteger signIns = new AtomicInteger();

    private final Browser signingIn = url -> {
        signIns.incrementAndGet();
        chromium.driver.manage().deleteAllCookies();
        chromium.driver.get(url.toString());
        SignIn.KEYCLOAK.signIn(chromium.driver, TestKeycloak.username(), TestKeycloak.password());
    };

    /** A config.ini with ApiBase at the realm (its userinfo is the API), and two profiles: two clients of the realm. */
    private Path config() throws IOException {
        Path file = folder.resolve("config.ini");
        if (!Files.exists(file)) {
            Files.writeString(file, "[Configuration]\nAuthority = " + REALM + "\nClientId = ocs-pkce-login\nScope = openid ocsapi\nApiBase = "
                    + REALM + "\n\n[profile short]\nAuthority = " + REALM + "\nClientId = ocs-pkce-login-short\nScope = openid ocsapi\n"
                    + "ApiBase = " + REALM + "\n");
        }
        return file;
    }

    private Cli.Run run(String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("--config", config().toString(), "--cache-dir", folder.resolve("tokens").toString(),
                "--timeout", "60"));
        args.addAll(List.of(extra));
        return Cli.run(signingIn, args.toArray(String[]::new));
    }

    private CliProcess process(Map<String, String> environment, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("--config", config().toString(), "--cache-dir", folder.resolve("tokens").toString(),
                "--timeout", "60"));
        args.addAll(List.of(extra));
        return CliProcess.start(environment, args.toArray(String[]::new));
    }

    private String signIn() throws IOException {
        Cli.Run login = run();
        assertEquals(0, login.exitCode(), login.toString());
        return login.out().strip();
    }

    @Test
    void apiCallsTheApiWithTheTokenFillsThePathAndSaysAnErrorInOneLine() throws Exception {
        signIn();
        Cli.Run userinfo = run("api", "protocol/openid-connect/userinfo?client={client_id}");
        assertEquals(0, userinfo.exitCode(), userinfo.toString());
        assertEquals(TestKeycloak.username(), new JSONObject(userinfo.out()).getString("preferred_username"));
        assertTrue(userinfo.err().contains("GET " + REALM + "/protocol/openid-connect/userinfo?client=ocs-pkce-login"), userinfo.err());

        Cli.Run head = run("api", "protocol/openid-connect/userinfo", "-i");
        assertTrue(head.out().startsWith("HTTP 200"), head.out());
        assertTrue(head.out().toLowerCase(java.util.Locale.ROOT).contains("content-type: application/json"), head.out());

        Cli.Run missing = run("api", "protocol/openid-connect/nothing-here");
        assertEquals(LoginException.Exit.API_REFUSED.code, missing.exitCode(), missing.toString());
        assertEquals(1, missing.errorLines().size(), missing.toString());
        assertTrue(missing.errorLines().get(0).contains("GET " + REALM + "/protocol/openid-connect/nothing-here answered HTTP 404"),
                missing.errorLines().get(0));
        assertEquals("", missing.out(), "an error's body is not printed as if it were the answer");
        assertEquals(1, signIns.get(), "every call used the cached token");
    }

    @Test
    void aBodyFromStdinIsSent() throws Exception {
        signIn();
        try (CliProcess post = process(Map.of("STDIN_PIPE", "yes"), "api", "protocol/openid-connect/userinfo", "--input", "-",
                "-H", "Content-Type: application/x-www-form-urlencoded")) {
            post.type("claims=none");
            post.closeInput();
            assertEquals(0, post.waitFor(Duration.ofSeconds(120)), post.err());
            assertTrue(post.err().contains("POST " + REALM + "/protocol/openid-connect/userinfo"), post.err());
            assertEquals(TestKeycloak.username(), new JSONObject(post.out()).getString("preferred_username"));
        }
    }

    @Test
    void aCachedTokenTheApiRefusesIsRefreshedAndTheRequestSentOnceMore() throws Exception {
        String token = signIn();
        Path entry;
        try (var files = Files.list(folder.resolve("tokens"))) {
            entry = files.filter(file -> file.toString().endsWith(".json")).findFirst().orElseThrow();
        }
        JSONObject json = new JSONObject(Files.readString(entry));
        json.getJSONObject("tokens").put("access_token", token.substring(0, token.length() - 8) + "AAAAAAAA"); // a signature Keycloak refuses
        Files.writeString(entry, json.toString());
        Cli.Run retried = run("api", "protocol/openid-connect/userinfo");
        assertEquals(0, retried.exitCode(), retried.toString());
        assertTrue(retried.err().contains("The API refused the cached access token (HTTP 401) before it expired: getting a new one"),
                retried.err());
        assertTrue(retried.err().contains("Refreshing the access token"), retried.err());
        assertEquals(TestKeycloak.username(), new JSONObject(retried.out()).getString("preferred_username"));
        assertEquals(1, signIns.get(), "refreshed, not signed in again");
    }

    @Test
    void theTokenNeverGoesToAnotherOrigin() throws Exception {
        signIn();
        try (ServerSocket elsewhere = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            elsewhere.setSoTimeout(500);
            Cli.Run refused = run("api", "http://127.0.0.1:" + elsewhere.getLocalPort() + "/steal");
            assertEquals(LoginException.Exit.USAGE.code, refused.exitCode(), refused.toString());
            assertTrue(refused.errorLines().get(0).contains("api sends the access token to http://127.0.0.1:18080 (ApiBase's origin) only"),
                    refused.toString());
            try (var connection = elsewhere.accept()) {
                throw new AssertionError("the tool connected to the other origin");
            } catch (java.net.SocketTimeoutException nobodyCame) {
                // as it should be
            }
        }
    }

    @Test
    void execGivesTheTokenToTheCommandInItsEnvironmentOnlyAndPassesItsExitCodeAndSignals() throws Exception {
        String token = signIn();
        Path seen = folder.resolve("seen");
        try (CliProcess exec = process(Map.of(), "exec", "--", "sh", "-c",
                "printf %s \"$OCS_ACCESS_TOKEN\" > '" + seen + "'; sleep 4; exit 7")) {
            assertTrue(Threads.await(() -> seen.toFile().length() > 0, Duration.ofSeconds(60)), "the command ran: " + exec.err());
            int processes = 0;
            try (var all = Files.list(Path.of("/proc"))) {
                for (Path process : all.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                    try {
                        String cmdline = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.ISO_8859_1);
                        assertFalse(cmdline.contains(token.substring(token.length() - 40)), "a command line holds the token: " + cmdline);
                        processes++;
                    } catch (IOException gone) {
                        // ended meanwhile
                    }
                }
            }
            assertTrue(processes > 10);
            assertEquals(7, exec.waitFor(Duration.ofSeconds(60)), "the command's exit code: " + exec.err());
        }
        assertEquals(token, Files.readString(seen), "the command saw the cached token");

        Path ready = folder.resolve("ready");
        try (CliProcess exec = process(Map.of(), "exec", "--", "sh", "-c",
                "trap 'exit 42' TERM; touch '" + ready + "'; sleep 60 & wait")) {
            assertTrue(Threads.await(() -> Files.exists(ready), Duration.ofSeconds(60)), exec.err());
            new ProcessBuilder("kill", "-TERM", String.valueOf(exec.pid())).start().waitFor(10, TimeUnit.SECONDS);
            assertEquals(42, exec.waitFor(Duration.ofSeconds(60)), "SIGTERM reached the command, and its exit code came back: " + exec.err());
        }
    }

    @Test
    void outputHeaderFeedsCurlThroughProcessSubstitution() throws Exception {
        signIn();
        String command = "curl -sf -H @<('" + Path.of("jbang").toAbsolutePath() + "' '" + Path.of("OcsPkceLogin.java").toAbsolutePath()
                + "' --config '" + config() + "' --cache-dir '" + folder.resolve("tokens") + "' -q -o header) " + REALM
                + "/protocol/openid-connect/userinfo";
        Process curl = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        String answer = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(curl.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, curl.exitValue(), answer);
        assertEquals(TestKeycloak.username(), new JSONObject(answer).getString("preferred_username"), answer);
        Cli.Run header = run("-o", "header");
        assertTrue(header.out().matches("Authorization: Bearer [A-Za-z0-9._-]+\n"), header.out());
    }

    @Test
    void twoProfilesSignInToTwoClientsWithAnEntryEach() throws Exception {
        String standard = signIn();
        Cli.Run profile = run("--profile", "short");
        assertEquals(0, profile.exitCode(), profile.toString());
        assertTrue(profile.err().contains("[profile short]"), profile.err());
        assertNotEquals(standard, profile.out().strip());
        assertEquals(2, signIns.get());
        try (var files = Files.list(folder.resolve("tokens"))) {
            assertEquals(2, files.filter(file -> file.toString().endsWith(".json")).count(), "an entry each");
        }
        Cli.Run again = run("--profile", "short", "--min-validity", "0");
        assertEquals(profile.out(), again.out(), "the profile's own entry");
        Path working = folder;
        Cli.Run status = Cli.run(Browser.NONE, "--status", "--cache-dir", folder.resolve("tokens").toString(), "--config", config().toString());
        assertTrue(status.out().lines().anyMatch(line -> line.startsWith("[short]  " + REALM + "  client ocs-pkce-login-short")), status.out());
        JSONArray json = new JSONArray(Cli.run(Browser.NONE, "--status", "-o", "json", "--cache-dir", working.resolve("tokens").toString(),
                "--config", config().toString()).out());
        assertTrue(json.toString().contains("\"profile\":\"short\""), json.toString());
    }
}
