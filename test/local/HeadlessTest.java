package cli;

import login.*;
import system.*;
import support.*;
import keycloak.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * No browser to open: said at once, before the wait, with the ways out; and --no-browser's own
 * wording. (The launch is the real system one, given an environment without a display, or with a
 * $BROWSER that fails.)
 */
class HeadlessTest {

    private ScriptedProvider provider;

    /** A provider with a device flow, as Keycloak and others have. */
    @org.junit.jupiter.api.BeforeEach
    void startProvider() throws Exception {
        provider = new ScriptedProvider();
        provider.discoveryWith(document -> document.put("device_authorization_endpoint", provider.issuer() + "/device"));
    }

    @org.junit.jupiter.api.AfterEach
    void stopProvider() throws Exception {
        provider.close();
    }

    private Cli.Run loginWith(Browser browser, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("--authority", provider.issuer().toString(), "--client-id", "c",
                "--timeout", "2"));
        args.addAll(List.of(extra));
        return Cli.run(browser, args.toArray(String[]::new));
    }

    /** The hint line, which must come before the wait begins. */
    private static String hintBeforeTheWait(Cli.Run run) {
        List<String> lines = run.err().lines().toList();
        int hint = lines.stream().filter(line -> line.startsWith("No browser could be opened")).findFirst().map(lines::indexOf).orElse(-1);
        int wait = lines.stream().filter(line -> line.startsWith("Step 4:")).findFirst().map(lines::indexOf).orElse(-1);
        assertTrue(hint >= 0 && hint < wait, "the hint comes before the wait: " + run.err());
        String text = lines.get(hint);
        assertTrue(text.contains("--device") && text.contains("--paste") && text.contains("ssh -L 5004:localhost:5004"), text);
        return text;
    }

    @Test
    void withoutADisplayTheHintComesAtOnce() {
        if (System.getProperty("os.name").toLowerCase().contains("linux")) {
            Cli.Run run = loginWith(new Browser.SystemBrowser(Map.of()));
            assertEquals(LoginException.Exit.CALLBACK_TIMEOUT.code, run.exitCode(), run.toString());
            assertTrue(hintBeforeTheWait(run).contains("no graphical display (DISPLAY and WAYLAND_DISPLAY are unset)"), run.err());
        }
    }

    @Test
    void aBrowserCommandThatFailsIsReportedWithItsStatus() {
        Cli.Run run = loginWith(new Browser.SystemBrowser(Map.of("BROWSER", "false")));
        assertTrue(hintBeforeTheWait(run).contains("false failed with exit status 1"), run.err());
    }

    @Test
    void aBrowserCommandThatDoesNotExistIsReported() {
        Cli.Run run = loginWith(new Browser.SystemBrowser(Map.of("BROWSER", "/nonexistent/browser")));
        assertTrue(hintBeforeTheWait(run).contains("/nonexistent/browser could not be started"), run.err());
    }

    @Test
    void noBrowserSaysToOpenTheUrlAndNothingAboutOpeningIt() {
        Cli.Run run = loginWith(url -> {
            throw new AssertionError("--no-browser opened a browser");
        }, "--no-browser");
        assertTrue(run.err().contains("Step 3: Open this URL in a browser to sign in:"), run.err());
        assertFalse(run.err().contains("Opening the browser") || run.err().contains("No browser could be opened"), run.err());
    }

    @Test
    void theTimeoutSaysWhatTheBrowserMayShowAndWhatToCheck() {
        Cli.Run run = loginWith(Browser.NONE, "--no-browser");
        assertEquals(1, run.errorLines().size(), run.toString());
        String error = run.errorLines().get(0);
        assertTrue(error.contains("check ClientId (an unknown client)") && error.contains("invalid redirect_uri")
                && error.contains("use --paste"), error);
    }

    /** One line says which config is used (a file, or the command line and environment), and --quiet leaves it out. */
    @Test
    void oneLineNamesTheConfigUsedExceptWithQuiet(@org.junit.jupiter.api.io.TempDir java.nio.file.Path folder) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(folder.resolve("my.ini"), "[Configuration]\nAuthority = "
                + provider.issuer() + "\nClientId = c\n");
        Cli.Run run = loginWith(Browser.NONE, "--config", file.toString(), "--no-browser", "--timeout", "1");
        assertEquals("Config: " + file, run.err().lines().findFirst().orElseThrow(), run.err());
        Cli.Run withoutFile = loginWith(Browser.NONE, "--no-browser", "--timeout", "1");
        assertTrue(withoutFile.err().startsWith("Config: the command line and the environment (no config file)\n"), withoutFile.err());
        Cli.Run quiet = loginWith(Browser.NONE, "--config", file.toString(), "--no-browser", "--timeout", "1", "-q");
        assertFalse(quiet.err().contains("Config:"), quiet.err());
    }

    /** The client secret of the environment never reaches a program the tool starts (here, $BROWSER). */
    @Test
    void theClientSecretNeverReachesTheEnvironmentOfAChild(@org.junit.jupiter.api.io.TempDir java.nio.file.Path folder) throws Exception {
        java.nio.file.Path seen = folder.resolve("environment");
        java.nio.file.Path browser = java.nio.file.Files.writeString(folder.resolve("browser.sh"), "#!/bin/sh\nenv > " + seen + "\n");
        browser.toFile().setExecutable(true);
        try (CliProcess cli = CliProcess.start(Map.of("BROWSER", browser.toString(), "OCS_LOGIN_CLIENT_SECRET", "must-stay-in-the-tool"),
                "--authority", provider.issuer().toString(), "--client-id", "c", "--redirect-uri", Cli.freeRedirectUri(), "--timeout", "3")) {
            cli.waitFor(java.time.Duration.ofSeconds(60));
        }
        assertTrue(java.nio.file.Files.exists(seen), "the browser ran");
        String environment = java.nio.file.Files.readString(seen);
        assertTrue(environment.contains("PATH="), environment);
        assertFalse(environment.contains("must-stay-in-the-tool") || environment.contains("OCS_LOGIN_CLIENT_SECRET"), environment);
    }
}
