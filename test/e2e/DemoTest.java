import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --demo's own Keycloak, on other ports than the shared test Keycloak's: it stays up for the next
 * runs (a signal to the run does not stop it), stops by itself once idle, keeps its sessions across
 * a restart, and a busy port is said before anything slow.
 */
class DemoTest {

    private static final URI STAYING = URI.create("http://127.0.0.1:18081/realms/ocs-pkce-demo");

    private static boolean anyProcessOn(int port) {
        return ProcessHandle.allProcesses().anyMatch(process -> process.info().commandLine()
                .map(line -> line.contains("--http-port=" + port)).orElse(false));
    }

    @Test
    void theDemosKeycloakStaysForTheNextRunsAndStopsOnceIdle() throws Exception {
        assertFalse(LocalKeycloak.answers(STAYING), "nothing runs on 18081 yet");
        try (CliProcess cli = CliProcess.start(Map.of("CLI_WRAPPER", "env --default-signal=INT,TERM,HUP",
                "OCS_LOGIN_DEMO_IDLE_SECONDS", "15"), "--demo", "--authority", STAYING.toString(), "--no-browser", "--timeout", "300")) {
            cli.awaitErrLine(line -> line.startsWith("Step 4:"), Duration.ofSeconds(240));
            long waiting = java.time.Instant.now().getEpochSecond();
            assertTrue(cli.err().contains("Starting Keycloak"), cli.err());
            // the idle time counts from when Keycloak answered, not from before its start (which alone can take longer than 15 s)
            long lastUse = Long.parseLong(java.nio.file.Files.readString(LocalKeycloak.cacheFolder().resolve("keycloak-18081.used")).strip());
            assertTrue(lastUse >= waiting - 2, "the last use is when Keycloak answered: " + lastUse + ", the wait began at " + waiting);
            assertTrue(cli.err().contains("It stays up until it has not been used for 15 s, so that the next --demo answers at once"
                    + " (./jbang LocalKeycloak.java stop ends it now)"), cli.err());
            assertEquals(0, new ProcessBuilder("kill", "-TERM", String.valueOf(cli.pid())).start().waitFor());
            assertEquals(143, cli.waitFor(Duration.ofSeconds(60)), cli.err());
        }
        assertTrue(LocalKeycloak.answers(STAYING), "the demo's Keycloak stays for the next run");
        assertTrue(Threads.await(() -> !anyProcessOn(18081), Duration.ofSeconds(90)), "it stopped by itself once idle");
        assertFalse(LocalKeycloak.answers(STAYING));
        new ServerSocket(18081, 1, InetAddress.getByName("127.0.0.1")).close(); // its port is free
    }

    /** A second run finds the running Keycloak: no start, and a refresh of a 10 s token, across a restart too (sessions persist). */
    @Test
    void sessionsSurviveARestartSoTheNextRunRefreshes(@TempDir Path cache) throws Exception {
        URI issuer = URI.create("http://127.0.0.1:18082/realms/ocs-pkce-demo");
        List<String> args = List.of("--authority", issuer.toString(), "--client-id", "ocs-pkce-login-short", "--cache-dir", cache.toString(),
                "--timeout", "60");
        try (Chromium chromium = Chromium.start()) {
            Browser signingIn = url -> {
                chromium.driver.get(url.toString());
                SignIn.KEYCLOAK.signIn(chromium.driver, TestKeycloak.username(), TestKeycloak.password());
            };
            try (LocalKeycloak keycloak = LocalKeycloak.ensureRunning(issuer, System.out::println, List.of())) {
                Cli.Run first = Cli.run(signingIn, args.toArray(String[]::new));
                assertEquals(0, first.exitCode(), first.toString());
            }
            assertFalse(LocalKeycloak.answers(issuer), "stopped");
            try (LocalKeycloak keycloak = LocalKeycloak.ensureRunning(issuer, System.out::println, List.of())) {
                Cli.Run again = Cli.run(url -> {
                    throw new AssertionError("the browser was opened: the session was lost with the restart");
                }, args.toArray(String[]::new));
                assertEquals(0, again.exitCode(), again.toString());
                assertTrue(again.err().contains("Refreshing the access token"), again.err());
            }
        }
    }

    /** A busy redirect URI port, or a busy Keycloak port, is said at once: before Keycloak is fetched, built or started. */
    @Test
    void aBusyPortIsSaidBeforeKeycloakStarts() throws Exception {
        try (ServerSocket redirect = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Cli.Run run = Cli.run(Browser.NONE, "--demo", "--authority", "http://127.0.0.1:18083/realms/ocs-pkce-demo", "--redirect-uri",
                    "http://localhost:" + redirect.getLocalPort() + "/callback.html");
            assertEquals(LoginException.Exit.PORT_IN_USE.code, run.exitCode(), run.toString());
            assertFalse(run.err().contains("Keycloak"), "nothing of Keycloak happened first: " + run.err());
            assertTrue(run.millis() < 3000, run.millis() + " ms");
        }
        try (ServerSocket squatter = new ServerSocket(18084, 1, InetAddress.getByName("127.0.0.1"))) {
            Cli.Run run = Cli.run(Browser.NONE, "--demo", "--authority", "http://127.0.0.1:18084/realms/ocs-pkce-demo",
                    "--redirect-uri", Cli.freeRedirectUri());
            assertEquals(LoginException.Exit.KEYCLOAK_FAILED.code, run.exitCode(), run.toString());
            assertTrue(run.errorLines().get(0).contains("Port 18084 is in use by another program, not by this project's Keycloak"),
                    run.toString());
            assertTrue(run.millis() < 10_000, run.millis() + " ms");
        }
    }

    @Test
    void statusSaysWhetherKeycloakServesAndExitsNonZeroWhenNot() {
        assertEquals(0, LocalKeycloak.status(TestKeycloak.issuer()));
        assertEquals(3, LocalKeycloak.status(URI.create("http://127.0.0.1:1/realms/none")));
    }
}
