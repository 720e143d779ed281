package cli;

import login.*;
import system.*;
import support.*;
import keycloak.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every day and unattended, against the scripted provider: machine logins (client credentials, with
 * the secret from a private file, in a Basic header or the form), --status, expires_at, and the
 * completion scripts.
 */
class MachineAndStatusTest {

    static final String SECRET = "s3cret-of-the-machine";

    @TempDir
    Path folder;

    private ScriptedProvider provider;

    @BeforeEach
    void startProvider() throws Exception {
        provider = new ScriptedProvider();
        provider.answer("/token", ScriptedProvider.json(200, new JSONObject().put("access_token", "machine-token")
                .put("token_type", "Bearer").put("expires_in", 600).toString()));
    }

    @AfterEach
    void stopProvider() throws Exception {
        provider.close();
    }

    private Path secretFile(String mode) throws Exception {
        Path file = Files.writeString(folder.resolve("secret"), SECRET + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    private Cli.Run machine(String... extra) {
        List<String> args = new ArrayList<>(List.of("--authority", provider.issuer().toString(), "--client-id", "robot",
                "--client-credentials", "--cache-dir", folder.resolve("tokens").toString()));
        args.addAll(List.of(extra));
        return Cli.run(url -> {
            throw new AssertionError("a machine login opened a browser");
        }, args.toArray(String[]::new));
    }

    private ScriptedProvider.Request tokenRequest() {
        return provider.requests.stream().filter(request -> request.path().equals("/token")).reduce((a, b) -> b).orElseThrow();
    }

    @Test
    void aMachineSignsInWithItsSecretInABasicHeaderAndNoOpenidScope() throws Exception {
        Cli.Run run = machine("--client-secret-file", secretFile("rw-------").toString(), "-v");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("machine-token\n", run.out());
        ScriptedProvider.Request request = tokenRequest();
        assertTrue(request.body().contains("grant_type=client_credentials"), request.body());
        assertFalse(request.body().contains("scope=") || request.body().contains(SECRET), "no scope and no secret in the form: " + request.body());
        String basic = "Basic " + Base64.getEncoder().encodeToString(("robot:" + SECRET).getBytes(StandardCharsets.UTF_8));
        assertTrue(request.head().contains("Authorization: " + basic), "client_secret_basic (RFC 6749 §2.3.1)");
        assertFalse(run.err().contains(SECRET), "the secret is never on stderr, not even with --verbose");
        try (var files = Files.list(folder.resolve("tokens"))) {
            for (Path file : files.toList()) {
                assertFalse(Files.readString(file).contains(SECRET), "the secret is never in the cache: " + file);
            }
        }
        Cli.Run again = machine("--client-secret-file", secretFile("rw-------").toString());
        assertEquals("machine-token\n", again.out());
        assertTrue(again.err().contains("Using the cached access token"), "a machine's entry is cached: " + again.err());
    }

    @Test
    void aProviderThatTakesOnlyThePostMethodGetsTheSecretInTheForm() throws Exception {
        provider.discoveryWith(document -> document.put("token_endpoint_auth_methods_supported", List.of("client_secret_post")));
        Cli.Run run = machine("--client-secret-file", secretFile("rw-------").toString(), "--scope", "api.read", "--no-cache");
        assertEquals(0, run.exitCode(), run.toString());
        String body = tokenRequest().body();
        assertTrue(body.contains("client_id=robot") && body.contains("client_secret=" + SECRET) && body.contains("scope=api.read"), body);
        assertFalse(tokenRequest().head().contains("Authorization:"), tokenRequest().head());
    }

    @Test
    void aSecretFileOthersCanReadIsRefusedAndAMissingSecretIsSaid() throws Exception {
        Cli.Run readable = machine("--client-secret-file", secretFile("rw-r--r--").toString());
        assertEquals(LoginException.Exit.SECRET_UNSAFE.code, readable.exitCode(), readable.toString());
        assertTrue(readable.errorLines().get(0).contains("can be read by other users, so it is not used"), readable.toString());
        assertTrue(provider.requests.isEmpty(), "nothing was sent");
        Cli.Run missing = machine();
        assertEquals(LoginException.Exit.CONFIG_KEY_MISSING.code, missing.exitCode(), missing.toString());
        assertTrue(missing.errorLines().get(0).contains("in the environment variable OCS_LOGIN_CLIENT_SECRET or a file only you can"
                + " read (chmod 600)"), missing.toString());
        assertTrue(missing.errorLines().get(0).contains("never on the command line"), missing.toString());
    }

    /** --status: one line per cached login, or JSON; never a token; and -o json of a login carries expires_at. */
    @Test
    void statusListsTheCachedLoginsWithoutATokenAndJsonCarriesExpiresAt() throws Exception {
        Path tokens = folder.resolve("tokens");
        assertEquals(0, machine("--client-secret-file", secretFile("rw-------").toString()).exitCode());
        provider.answer("/token", ScriptedProvider.json(200, new JSONObject().put("access_token", "person-token").put("token_type", "Bearer")
                .put("expires_in", 300).put("refresh_token", "person-refresh").toString()));
        long before = System.currentTimeMillis() / 1000;
        Cli.Run person = Cli.run(Cli.answeringWith(Map.of("code", "c")), "--authority", provider.issuer().toString(), "--client-id", "cli",
                "--scope", "ocsapi", "--redirect-uri", Cli.freeRedirectUri(), "--cache-dir", tokens.toString(), "-o", "json");
        assertEquals(0, person.exitCode(), person.toString());
        long expiresAt = new JSONObject(person.out()).getLong("expires_at");
        assertTrue(expiresAt >= before + 300 && expiresAt <= before + 302, "expires_at in POSIX seconds: " + expiresAt);

        Cli.Run status = Cli.run(Browser.NONE, "--status", "--cache-dir", tokens.toString());
        assertEquals(0, status.exitCode(), status.toString());
        List<String> lines = status.out().lines().toList();
        assertEquals(2, lines.size(), status.out());
        assertTrue(lines.stream().anyMatch(line -> line.contains("client robot (confidential)") && line.contains("user (a machine: client credentials)")
                && line.contains("refresh token: no")), status.out());
        assertTrue(lines.stream().anyMatch(line -> line.startsWith(provider.issuer() + "  client cli (public)  scope 'ocsapi'  user (no ID token)")
                && line.matches(".*expires \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\(in \\d+ s\\).*") && line.endsWith("refresh token: yes")),
                status.out());
        for (String secret : List.of("machine-token", "person-token", "person-refresh")) {
            assertFalse(status.out().contains(secret) || status.err().contains(secret), "never a token: " + secret);
        }
        int requestsBefore = provider.requests.size();
        JSONArray json = new JSONArray(Cli.run(Browser.NONE, "--status", "--cache-dir", tokens.toString(), "-o", "json").out());
        assertEquals(2, json.length());
        assertTrue(json.getJSONObject(0).has("expires_at") && json.getJSONObject(0).has("user") && json.getJSONObject(0).has("refresh_token"));
        assertEquals(requestsBefore, provider.requests.size(), "--status makes no call to the provider");
    }

    /** The completion scripts are made from the options' table, load in bash, and complete options and their values. */
    @Test
    void theBashCompletionLoadsAndCompletes() throws Exception {
        Cli.Run script = Cli.run(Browser.NONE, "--completion", "bash");
        assertEquals(0, script.exitCode(), script.toString());
        Path file = Files.writeString(folder.resolve("ocs-login.bash"), script.out());
        assertEquals(0, new ProcessBuilder("bash", "-n", file.toString()).inheritIO().start().waitFor(), "bash -n accepts it");
        String completed = bash(". " + file + "; COMP_WORDS=(ocs-login --cl); COMP_CWORD=1; _ocs_login; printf '%s\\n' \"${COMPREPLY[@]}\"");
        assertEquals(List.of("--client-id", "--client-secret-file", "--client-credentials"), completed.lines().toList());
        assertEquals("json", bash(". " + file + "; COMP_WORDS=(ocs-login -o j); COMP_CWORD=2; _ocs_login; printf '%s\\n' \"${COMPREPLY[@]}\"").strip());
        for (Arguments.Described option : Arguments.options()) {
            assertTrue(script.out().contains("--" + option.name()), "--" + option.name() + " is in the bash script");
        }
        Cli.Run zsh = Cli.run(Browser.NONE, "--completion", "zsh");
        assertTrue(zsh.out().startsWith("#compdef ocs-login\n") && zsh.out().contains("'--client-id[The client registered"), zsh.out());
        assertEquals(LoginException.Exit.USAGE.code, Cli.run(Browser.NONE, "--completion", "fish").exitCode());
    }

    private static String bash(String commands) throws Exception {
        Process bash = new ProcessBuilder("bash", "-c", commands).redirectErrorStream(true).start();
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, bash.waitFor(), output);
        return output;
    }
}
