import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** --demo's own Keycloak: started for the run, and stopped with it, also when the run is stopped by a signal. */
class DemoTest {

    /** A demo on another port than the shared test Keycloak's, so that this run starts (and must stop) its own. */
    @Test
    void aSignalStopsTheKeycloakTheDemoStarted() throws Exception {
        URI issuer = URI.create("http://127.0.0.1:18081/realms/ocs-pkce-demo");
        assertFalse(LocalKeycloak.answers(issuer), "nothing runs on 18081 yet");
        try (CliProcess cli = CliProcess.start(Map.of("CLI_WRAPPER", "env --default-signal=INT,TERM,HUP"), "--demo",
                "--authority", issuer.toString(), "--no-browser", "--timeout", "300")) {
            cli.awaitErrLine(line -> line.startsWith("Step 4:"), Duration.ofSeconds(240));
            assertTrue(LocalKeycloak.answers(issuer), "the demo's Keycloak serves " + issuer);
            assertTrue(cli.err().contains("Starting Keycloak"), cli.err());
            assertEquals(0, new ProcessBuilder("kill", "-TERM", String.valueOf(cli.pid())).start().waitFor());
            assertEquals(143, cli.waitFor(Duration.ofSeconds(60)), cli.err());
            assertTrue(cli.err().contains("Stopping the local Keycloak"), cli.err());
        }
        assertFalse(LocalKeycloak.answers(issuer), "the demo's Keycloak is gone");
        assertTrue(ProcessHandle.allProcesses().noneMatch(process -> process.info().commandLine()
                .map(line -> line.contains("--http-port=18081")).orElse(false)), "no process of it is left");
        new ServerSocket(18081, 1, InetAddress.getByName("127.0.0.1")).close(); // its port is free
    }

    @Test
    void statusSaysWhetherKeycloakServesAndExitsNonZeroWhenNot() {
        assertEquals(0, LocalKeycloak.status(TestKeycloak.issuer()));
        assertEquals(3, LocalKeycloak.status(URI.create("http://127.0.0.1:1/realms/none")));
    }
}
