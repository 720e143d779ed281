package cli;

import login.*;
import system.*;
import support.*;
import keycloak.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as users run it, {@code ./jbang OcsPkceLogin.java ...}, watched from outside its process. */
class CommandLineProcessTest {

    /** One real login in its own process, with Chromium opening the URL it prints (as a user on a headless machine would). */
    private record Login(String authorizationUrl, String code, String token, String stderr, List<InetSocketAddress> listening) {
    }

    private Login loginInAProcess(String... extra) throws Exception {
        // --no-par: the whole request in the printed URL, whose secrets the tests then look for elsewhere
        List<String> args = new java.util.ArrayList<>(List.of("--config", "keycloak/demo.ini", "--no-browser", "--no-par", "--timeout", "60"));
        args.addAll(List.of(extra));
        TestKeycloak.get();
        try (CliProcess cli = CliProcess.start(args.toArray(String[]::new)); Chromium chromium = Chromium.start()) {
            String url = cli.awaitAuthorizationUrl();
            List<InetSocketAddress> listening = cli.listeningAddresses();
            chromium.driver.get(url);
            SignIn.KEYCLOAK.signIn(chromium.driver, TestKeycloak.username(), TestKeycloak.password());
            SignIn.awaitCallbackPage(chromium.driver, "http://localhost:5004/callback.html");
            String code = Queries.query(java.net.URI.create(chromium.driver.getCurrentUrl())).get("code");
            assertEquals(0, cli.waitFor(Duration.ofSeconds(30)), cli.err());
            String token = cli.out().strip();
            assertEquals(token + "\n", cli.out(), "stdout is the token alone");
            return new Login(url, code, token, cli.err(), listening);
        }
    }

    @Test
    void whileWaitingTheProcessListensOnLoopbackOnly() throws Exception {
        Login login = loginInAProcess();
        assertFalse(login.listening().isEmpty(), "the redirect URI's server was found listening");
        assertTrue(login.listening().stream().allMatch(address -> address.getAddress().isLoopbackAddress()),
                "listening on " + login.listening());
        assertTrue(login.listening().stream().allMatch(address -> address.getPort() == 5004), "listening on " + login.listening());
    }

    @Test
    void noSecretReachesStderr() throws Exception {
        assertNoSecretIn(loginInAProcess());
    }

    @Test
    void verboseMasksEverySecret() throws Exception {
        Login login = loginInAProcess("--verbose");
        assertTrue(login.stderr().contains("code (" + login.code().length() + " characters, hidden)"), login.stderr());
        assertTrue(login.stderr().contains("ID token valid: sub "), login.stderr());
        assertNoSecretIn(login);
    }

    /** Neither the token, the code, the password nor the code_verifier (found by its S256 challenge) is on stderr. */
    private static void assertNoSecretIn(Login login) {
        String stderr = login.stderr();
        assertTrue(login.code() != null && login.code().length() > 10, "the code was seen in the browser: " + login.code());
        assertFalse(stderr.contains(login.token()), "the access token is on stderr");
        assertFalse(stderr.contains(login.token().substring(login.token().length() - 40)), "part of the access token is on stderr");
        assertFalse(stderr.contains(login.code()), "the code is on stderr");
        assertFalse(stderr.contains(TestKeycloak.password()), "the password is on stderr");
        String challenge = Queries.query(java.net.URI.create(login.authorizationUrl())).get("code_challenge");
        Matcher runs = Pattern.compile("[A-Za-z0-9._~-]{43,}").matcher(stderr);
        while (runs.find()) {
            for (int start = 0; start + 43 <= runs.group().length(); start++) {
                for (int end = start + 43; end <= Math.min(runs.group().length(), start + 128); end++) {
                    assertFalse(PkceUtil.codeChallenge(runs.group().substring(start, end)).equals(challenge),
                            "the code_verifier is on stderr");
                }
            }
        }
    }

    /** A $BROWSER that writes the address it was given to {@code opened} and keeps running (a browser is not waited for). */
    private static Map<String, String> recordingBrowser(Path folder, Path opened) throws IOException {
        Path browser = Files.writeString(folder.resolve("browser.sh"), "#!/bin/sh\nprintf '%s\\n' \"$2\" > \"$1\"\nexec sleep 60\n");
        browser.toFile().setExecutable(true);
        return Map.of("BROWSER", browser + " " + opened + " %s");
    }

    /**
     * Login CSRF by another local user needs this login's state and code_challenge; every process's
     * command line and environment is readable on this machine (/proc), so none of them may hold it.
     * $BROWSER gets a launch page instead: private to this user, forwarding to the URL, gone afterwards.
     */
    @Test
    void noProcessShowsTheLoginsSecretsAndTheBrowserGetsAPrivateLaunchPage(@TempDir Path folder) throws Exception {
        Path opened = folder.resolve("opened.txt");
        TestKeycloak.get();
        try (CliProcess cli = CliProcess.start(recordingBrowser(folder, opened), "--config", "keycloak/demo.ini", "--no-par", "--timeout", "60");
                Chromium chromium = Chromium.start()) {
            String printed = cli.awaitAuthorizationUrl();
            assertTrue(Threads.await(() -> Files.exists(opened), Duration.ofSeconds(10)), "the browser command ran");
            URI launchPage = URI.create(Files.readString(opened).strip());

            Map<String, String> query = Queries.query(URI.create(printed));
            List<String> secrets = List.of(query.get("state"), query.get("nonce"), query.get("code_challenge"));
            int processes = 0;
            try (var all = Files.list(Path.of("/proc"))) {
                for (Path process : all.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                    for (String part : List.of("cmdline", "environ")) {
                        String text;
                        try {
                            text = new String(Files.readAllBytes(process.resolve(part)), java.nio.charset.StandardCharsets.ISO_8859_1);
                        } catch (IOException gone) {
                            continue;
                        }
                        for (String secret : secrets) {
                            assertFalse(text.contains(secret), "process " + process.getFileName() + "'s " + part + " holds a secret: " + text);
                        }
                    }
                    processes++;
                }
            }
            assertTrue(processes > 10, "looked at " + processes + " processes");

            assertEquals("file", launchPage.getScheme(), "the browser got " + launchPage);
            Path page = Path.of(launchPage);
            assertEquals("rw-------", Modes.of(page));
            assertEquals("rwx------", Modes.of(page.getParent()));
            assertTrue(Files.readString(page).contains(Html.escape(printed)), "it forwards to the URL that was printed");

            chromium.driver.get(launchPage.toString());
            SignIn.KEYCLOAK.signIn(chromium.driver, TestKeycloak.username(), TestKeycloak.password());
            assertEquals(0, cli.waitFor(Duration.ofSeconds(30)), "the login ended while the browser command still runs: " + cli.err());
            assertFalse(Files.exists(page), "the launch page is deleted after the login");
        }
    }

    /** Ctrl-C (SIGINT), SIGTERM and SIGHUP end the wait with one line, free the port, and delete the launch page. */
    @Test
    void aSignalEndsTheWaitWithOneLineAndCleansUp(@TempDir Path folder) throws Exception {
        Map<String, Integer> signals = Map.of("INT", 2, "TERM", 15, "HUP", 1);
        TestKeycloak.get();
        for (Map.Entry<String, Integer> signal : signals.entrySet()) {
            Path opened = folder.resolve("opened-" + signal.getKey() + ".txt");
            String redirectUri = Cli.freeRedirectUri();
            Map<String, String> environment = new java.util.HashMap<>(recordingBrowser(folder, opened));
            environment.put("CLI_WRAPPER", "env --default-signal=INT,TERM,HUP"); // as in a terminal, not as a background job
            try (CliProcess cli = CliProcess.start(environment, "--authority", "http://127.0.0.1:18080/realms/ocs-pkce-demo",
                    "--client-id", "ocs-pkce-login", "--redirect-uri", redirectUri, "--no-par", "--timeout", "120")) {
                cli.awaitErrLine(line -> line.startsWith("Step 4:"), Duration.ofSeconds(120));
                assertTrue(Threads.await(() -> Files.exists(opened), Duration.ofSeconds(10)), "the browser command ran");
                Path page = Path.of(URI.create(Files.readString(opened).strip()));
                assertTrue(Files.exists(page));

                assertEquals(0, new ProcessBuilder("kill", "-" + signal.getKey(), String.valueOf(cli.pid())).start().waitFor());
                assertEquals(128 + signal.getValue(), cli.waitFor(Duration.ofSeconds(10)), "SIG" + signal.getKey() + ": " + cli.err());
                List<String> errors = cli.err().lines().filter(line -> line.startsWith("error: ")).toList();
                assertEquals(List.of("error: the login was cancelled: the process was asked to stop before it ended"), errors, cli.err());
                assertFalse(Files.exists(page), "SIG" + signal.getKey() + ": the launch page is deleted");
                int port = URI.create(redirectUri).getPort();
                new java.net.ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1")).close(); // the port is free again
            }
        }
    }

    @Test
    void helpFitsEightyColumnsAndPointsToTheExitCodes() throws Exception {
        try (CliProcess cli = CliProcess.start("--help")) {
            assertEquals(0, cli.waitFor(Duration.ofSeconds(120)), cli.err());
            assertTrue(cli.out().startsWith("Usage: ocs-login"), cli.out());
            assertTrue(cli.out().lines().allMatch(line -> line.length() <= 80 && !line.endsWith(" ")), cli.out());
            assertTrue(cli.out().contains("Exit codes: 0 when the token was printed; the others are in the README."), cli.out());
        }
    }

    @Test
    void configErrorsAreOneLineWithTheirExitCode(@TempDir Path folder) throws Exception {
        Path placeholder = Files.copy(Path.of("config.placeholder.ini"), folder.resolve("config.ini"));
        try (CliProcess cli = CliProcess.start("--config", placeholder.toString())) {
            assertEquals(LoginException.Exit.CONFIG_PLACEHOLDER.code, cli.waitFor(Duration.ofSeconds(120)), cli.err());
            List<String> ours = cli.err().lines().filter(line -> !line.startsWith("[jbang]")).toList();
            assertEquals(1, ours.size(), cli.err());
            assertTrue(ours.get(0).startsWith("error: " + placeholder + ": [Configuration] "), cli.err());
            assertEquals("", cli.out());
        }
    }

    /** The README's catalog: after `jbang catalog add`, the alias runs from any folder. */
    @Test
    void catalogAliasRunsFromAnotherFolder(@TempDir Path jbangHome, @TempDir Path elsewhere) throws Exception {
        Map<String, String> environment = Map.of("JBANG_DIR", jbangHome.toString());
        String launcher = Path.of("jbang").toAbsolutePath().toString();
        assertEquals(0, run(environment, Path.of("."), launcher, "catalog", "add", "-g", "--name", "catalog",
                Path.of("jbang-catalog.json").toAbsolutePath().toString()));
        Path out = elsewhere.resolve("out.txt");
        assertEquals(0, run(environment, elsewhere, "bash", "-c", "'" + launcher + "' ocs-login@catalog --help > out.txt"));
        assertTrue(Files.readString(out).contains("Usage: ocs-login"), Files.readString(out));
    }

    private static int run(Map<String, String> environment, Path folder, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile()).inheritIO()
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(environment);
        return builder.start().waitFor();
    }

    /**
     * --paste with the standard input closed ({@code <&-}): the JVM's first file then takes
     * descriptor 0, and its lines are not pasted addresses. The run ends at once, with one line.
     */
    @Test
    void pasteWithTheStandardInputClosedEndsAtOnce(@TempDir Path folder) throws Exception {
        Path closing = Files.writeString(folder.resolve("closed-stdin.sh"), "#!/bin/sh\nexec \"$@\" <&-\n");
        closing.toFile().setExecutable(true);
        try (CliProcess cli = CliProcess.start(Map.of("CLI_WRAPPER", closing.toString()), "--authority", "https://idp.example",
                "--client-id", "c", "--paste", "--timeout", "60")) {
            assertEquals(LoginException.Exit.AUTHORIZATION_FAILED.code, cli.waitFor(Duration.ofSeconds(60)), cli.err());
            List<String> errors = cli.err().lines().filter(line -> line.startsWith("error: ")).toList();
            assertEquals(1, errors.size(), cli.err());
            assertTrue(errors.get(0).contains("the standard input, which is closed"), cli.err());
            assertFalse(cli.err().contains("not this login's response"), cli.err());
        }
    }
}
