package keycloak;

import login.*;
import system.*;
import support.*;
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
            LocalKeycloak.ensureRunning(issuer, System.out::println, List.of(), LocalKeycloak.Lifetime.UNTIL_STOPPED);
            Cli.Run first = Cli.run(signingIn, args.toArray(String[]::new));
            assertEquals(0, first.exitCode(), first.toString());
            LocalKeycloak.stop(java.util.Optional.of(issuer.getPort()), System.out::println);
            assertFalse(LocalKeycloak.answers(issuer), "stopped");
            LocalKeycloak.ensureRunning(issuer, System.out::println, List.of(), LocalKeycloak.Lifetime.UNTIL_STOPPED);
            try {
                Cli.Run again = Cli.run(url -> {
                    throw new AssertionError("the browser was opened: the session was lost with the restart");
                }, args.toArray(String[]::new));
                assertEquals(0, again.exitCode(), again.toString());
                assertTrue(again.err().contains("Refreshing the access token"), again.err());
            } finally {
                LocalKeycloak.stop(java.util.Optional.of(issuer.getPort()), System.out::println);
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
            assertTrue(run.errorLines().get(0).contains("Port 18084 is in use by another program of yours, not by your own Keycloak"),
                    run.toString());
            assertTrue(run.millis() < 10_000, run.millis() + " ms");
        }
    }

    @Test
    void statusSaysWhetherKeycloakServesAndExitsNonZeroWhenNot() {
        assertEquals(0, LocalKeycloak.status(TestKeycloak.issuer()));
        assertEquals(3, LocalKeycloak.status(URI.create("http://127.0.0.1:1/realms/none")));
    }

    /** `LocalKeycloak.java stop` says at once what it does (and how long it may take), and returns once Keycloak is gone. */
    @Test
    void stopSaysAtOnceWhatItDoesAndReturnsOnceKeycloakIsGone() throws Exception {
        URI issuer = URI.create("http://127.0.0.1:18085/realms/ocs-pkce-demo");
        LocalKeycloak.ensureRunning(issuer, System.out::println, List.of(), LocalKeycloak.Lifetime.UNTIL_STOPPED);
        script("status"); // the script is built now: its next run starts at once
        assertTrue(anyProcessOn(18085));
        Script stop = script("stop", "18085");
        assertEquals(0, stop.exitCode(), stop.lines().toString());
        assertFalse(anyProcessOn(18085), "no process of it is left when stop returns");
        assertFalse(LocalKeycloak.answers(issuer));
        Line first = stop.lines().get(0);
        assertTrue(first.text().startsWith("Stopping the local Keycloak (process "), first.text());
        assertTrue(first.seconds() < 20, "said at once: after " + first.seconds() + " s");
        Line last = stop.lines().get(stop.lines().size() - 1);
        assertTrue(last.text().matches("Keycloak stopped after [0-9]+ s"), last.text());
        for (int i = 1; i < stop.lines().size(); i++) {
            assertTrue(stop.lines().get(i).seconds() - stop.lines().get(i - 1).seconds() <= 10, "no silence over 10 s: " + stop.lines());
        }
    }

    private record Line(double seconds, String text) {
    }

    private record Script(int exitCode, List<Line> lines) {
    }

    /** Runs {@code ./jbang LocalKeycloak.java ARGS}, each line of its stderr with the seconds since it started. */
    private static Script script(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("./jbang", "LocalKeycloak.java"));
        command.addAll(List.of(args));
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        List<Line> lines = new java.util.ArrayList<>();
        try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(process.getErrorStream(),
                java.nio.charset.StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                if (!line.startsWith("[jbang]")) {
                    lines.add(new Line((System.nanoTime() - started) / 1e9, line));
                }
            }
        }
        assertTrue(process.waitFor(6, java.util.concurrent.TimeUnit.MINUTES));
        return new Script(process.exitValue(), lines);
    }

    /** Every socket Keycloak listens on (TCP) or has bound (UDP) is on loopback: no cluster on the host's address (issue 22). */
    @Test
    void keycloakListensOnLoopbackOnly() throws Exception {
        TestKeycloak.get();
        List<ProcessHandle> keycloak = ProcessHandle.allProcesses().filter(process -> process.info().commandLine()
                .map(line -> line.contains("--http-port=18080 ") && line.contains("QuarkusEntryPoint")).orElse(false)).toList();
        assertEquals(1, keycloak.size(), "one Keycloak JVM on 18080");
        java.util.Set<String> inodes = new java.util.HashSet<>();
        try (var fds = java.nio.file.Files.list(Path.of("/proc", String.valueOf(keycloak.get(0).pid()), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = java.nio.file.Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (java.io.IOException closedMeanwhile) {
                    // gone
                }
            }
        }
        List<String> bound = new java.util.ArrayList<>();
        for (String table : List.of("tcp", "tcp6", "udp", "udp6")) {
            List<String> rows = java.nio.file.Files.readAllLines(Path.of("/proc/net", table));
            for (String row : rows.subList(1, rows.size())) {
                String[] fields = row.strip().split("\\s+");
                boolean listening = table.startsWith("udp") || fields[3].equals("0A");
                if (listening && inodes.contains(fields[9])) {
                    bound.add(table + " " + fields[1]);
                }
            }
        }
        assertTrue(bound.stream().anyMatch(socket -> socket.endsWith(":" + String.format("%04X", 18080))), "its http port is seen: " + bound);
        for (String socket : bound) {
            String address = socket.substring(socket.indexOf(' ') + 1, socket.lastIndexOf(':'));
            assertTrue(address.equals("0100007F") || address.equals("0000000000000000FFFF00000100007F")
                    || address.equals("00000000000000000000000001000000"), "only on loopback: " + socket + " of " + bound);
        }
    }

    /**
     * Another local user tries Keycloak's welcome page, which lets anyone on loopback make the first
     * admin: the demo's Keycloak has its admin from its first start, so the page offers nothing.
     */
    @Test
    void noOtherLocalUserCanMakeThemselvesAdminOfTheDemosKeycloak() throws Exception {
        URI origin = URI.create("http://127.0.0.1:18080");
        TestKeycloak.get();
        OtherUser.Result attempt = OtherUser.get().sh("""
                h=$(mktemp); page=$(curl -s -D "$h" %1$s/)
                status=$(head -n 1 "$h" | cut -d' ' -f2); cookie=$(grep -o 'WELCOME_STATE_CHECKER=[^;]*' "$h"); rm -f "$h"
                state=$(printf '%%s' "$page" | sed -n 's/.*name="stateChecker" type="hidden" value="\\([^"]*\\)".*/\\1/p')
                made=$(curl -s -o /dev/null -w '%%{http_code}' -H "Cookie: $cookie" --data-urlencode "stateChecker=$state" \
                  -d username=mallory -d password=mallory-pw -d passwordConfirmation=mallory-pw %1$s/)
                token=$(curl -s -o /dev/null -w '%%{http_code}' -d grant_type=password -d client_id=admin-cli -d username=mallory \
                  -d password=mallory-pw %1$s/realms/master/protocol/openid-connect/token)
                echo "welcome $status token $token"
                """.formatted(origin));
        assertEquals(0, attempt.exitCode(), attempt.output());
        assertTrue(attempt.output().contains("welcome 302"), "no welcome page that makes an admin: " + attempt.output());
        assertFalse(attempt.output().contains("token 200"), "their account is no admin: " + attempt.output());
        assertTrue(LocalKeycloak.provesOwn(TestKeycloak.issuer(), LocalKeycloak.adminPassword(LocalKeycloak.cacheFolder())),
                "the admin is this user's, with the password in the private cache folder");
    }
}
