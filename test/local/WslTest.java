package system;

import support.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where OCS's users sit (issue 28), with stand-ins for the Windows side on the PATH: WSL's
 * {@code wslpath}, and {@code wslview} or {@code cmd.exe}, which record their arguments, turn the
 * Windows path back into the distribution's, and open the page as a browser would; Windows' URL
 * handler ({@code rundll32}); and {@code $BROWSER} values with spaces and quotes. The login completes,
 * the page handed over is a 0600 file in a private folder, no command line holds the login's
 * secrets, and the page is gone afterwards.
 */
class WslTest {

    @TempDir
    Path folder;

    private ScriptedProvider provider;
    private Path bin;

    @BeforeEach
    void start() throws Exception {
        provider = new ScriptedProvider();
        provider.answer("/token", ScriptedProvider.json(200, new JSONObject().put("access_token", "wsl-token").put("token_type", "Bearer")
                .put("expires_in", 300).toString()));
        bin = Files.createDirectories(folder.resolve("bin"));
        script(bin.resolve("wslpath"), "[ \"$1\" = -w ] || exit 2\nprintf '\\\\\\\\wsl.localhost\\\\TestDistro%s\\n' \"$(printf %s \"$2\" | tr / '\\\\\\\\')\"\n");
    }

    @AfterEach
    void stop() throws Exception {
        provider.close();
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    }

    /** A browser stand-in at {@code program}: it records its arguments, and the page it was given as a file of this system. */
    private Path standIn(Path program, boolean windowsPath) throws IOException {
        Files.createDirectories(program.getParent());
        Path record = folder.resolve(program.getFileName() + ".args");
        String page = windowsPath ? "page=$(printf %s \"$last\" | sed 's/^\\\\\\\\wsl.localhost\\\\TestDistro//' | tr '\\\\\\\\' /)"
                : "page=${last#file://}";
        script(program, "for a in \"$@\"; do printf '%s\\n' \"$a\"; last=$a; done > '" + record + ".tmp'\n" + page + "\n"
                + "printf '%s\\n' \"$page\" >> '" + record + ".tmp'\nmv '" + record + ".tmp' '" + record + "'\nexec sleep 20\n");
        return record;
    }

    private Map<String, String> environment(Map<String, String> more) {
        Map<String, String> environment = new HashMap<>(Map.of("PATH", bin + ":/usr/bin:/bin", "HOME", folder.toString(),
                "XDG_CACHE_HOME", folder.resolve("cache").toString()));
        environment.putAll(more);
        return environment;
    }

    /** Signs in at the page the stand-in recorded (its last line), checking it and every command line while the login waits. */
    private CompletableFuture<List<String>> browsingFrom(Path record) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                assertTrue(Threads.await(() -> Files.exists(record), Duration.ofSeconds(30)), "the browser stand-in ran");
                List<String> recorded = Files.readAllLines(record);
                Path page = Path.of(recorded.get(recorded.size() - 1));
                assertEquals("rw-------", Modes.of(page), page.toString());
                assertEquals("rwx------", Modes.of(page.getParent()));
                String html = Files.readString(page);
                URI authorization = URI.create(html.replaceAll("(?s).*id=\"go\" href=\"([^\"]*)\".*", "$1").replace("&amp;", "&"));
                Map<String, String> query = Queries.query(authorization);
                for (String secret : List.of(query.get("state"), query.get("code_challenge"))) {
                    try (var all = Files.list(Path.of("/proc"))) {
                        for (Path process : all.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                            try {
                                String cmdline = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.ISO_8859_1);
                                assertFalse(cmdline.contains(secret), "a command line holds the login's secret: " + cmdline);
                            } catch (IOException gone) {
                                // ended meanwhile
                            }
                        }
                    }
                }
                Cli.answeringWith(Map.of("code", "the-code")).open(authorization);
                return recorded.subList(0, recorded.size() - 1);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private Cli.Run login(Browser browser) {
        return Cli.run(browser, "--authority", provider.issuer().toString(), "--client-id", "cli", "--scope", "ocsapi",
                "--redirect-uri", Cli.freeRedirectUri(), "--no-cache", "--timeout", "30");
    }

    private static void assertGone(List<String> arguments) {
        String windowsPath = arguments.get(arguments.size() - 1);
        Path page = Path.of(windowsPath.replace("\\\\wsl.localhost\\TestDistro", "").replace('\\', '/'));
        assertFalse(Files.exists(page), "the page is deleted after the login: " + page);
    }

    @Test
    void inWslWslviewOpensTheWindowsPathOfAPrivatePage() throws Exception {
        Path record = standIn(bin.resolve("wslview"), true);
        CompletableFuture<List<String>> browsing = browsingFrom(record);
        Cli.Run run = login(new Browser.SystemBrowser(environment(Map.of("WSL_DISTRO_NAME", "TestDistro"))));
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("wsl-token\n", run.out());
        List<String> arguments = browsing.get(30, TimeUnit.SECONDS);
        assertEquals(1, arguments.size(), arguments.toString());
        assertTrue(arguments.get(0).startsWith("\\\\wsl.localhost\\TestDistro\\") && arguments.get(0).contains("\\cache\\ocs-pkce-login\\launch\\login-")
                && arguments.get(0).endsWith(".html"), "the Windows form of the page in the cache's launch folder: " + arguments);
        assertGone(arguments);
    }

    @Test
    void inWslWithoutWslviewWindowsOwnStartOpensIt() throws Exception {
        Path record = standIn(bin.resolve("cmd.exe"), true);
        CompletableFuture<List<String>> browsing = browsingFrom(record);
        Cli.Run run = login(new Browser.SystemBrowser(environment(Map.of("WSL_DISTRO_NAME", "TestDistro",
                "XDG_RUNTIME_DIR", "/mnt/wslg/runtime-dir"))));
        assertEquals(0, run.exitCode(), run.toString());
        List<String> arguments = browsing.get(30, TimeUnit.SECONDS);
        assertEquals(List.of("/c", "start", ""), arguments.subList(0, 3), arguments.toString()); // "" the title: a quoted path is none
        assertTrue(arguments.get(3).startsWith("\\\\wsl.localhost\\TestDistro\\"), arguments.toString());
        assertGone(arguments);
    }

    @Test
    void aWindowsBrowserNamedInBrowserWithSpacesGetsTheWindowsPathToo() throws Exception {
        Path chrome = folder.resolve("mnt/c/Program Files/Google/Chrome/Application/chrome.exe");
        Path record = standIn(chrome, true);
        CompletableFuture<List<String>> browsing = browsingFrom(record);
        Cli.Run run = login(new Browser.SystemBrowser(environment(Map.of("WSL_DISTRO_NAME", "TestDistro", "BROWSER", chrome.toString()))));
        assertEquals(0, run.exitCode(), run.toString());
        List<String> arguments = browsing.get(30, TimeUnit.SECONDS);
        assertEquals(1, arguments.size(), "an unquoted path with spaces is one program: " + arguments);
        assertTrue(arguments.get(0).startsWith("\\\\wsl.localhost\\TestDistro\\"), arguments.toString());
    }

    @Test
    void browserWithAQuotedPathAndQuotedArgumentsIsReadAsWords() throws Exception {
        Path program = folder.resolve("opt/My Browser/browser");
        Path record = standIn(program, false);
        CompletableFuture<List<String>> browsing = browsingFrom(record);
        Cli.Run run = login(new Browser.SystemBrowser(environment(Map.of("BROWSER", "\"" + program + "\" --profile 'Work Profile' %s"))));
        assertEquals(0, run.exitCode(), run.toString());
        List<String> arguments = browsing.get(30, TimeUnit.SECONDS);
        assertEquals(List.of("--profile", "Work Profile"), arguments.subList(0, 2));
        assertTrue(arguments.get(2).startsWith("file:///") && arguments.get(2).contains("/login-"), arguments.toString());
    }

    @Test
    void theBrowserSettingComesBeforeBrowser() throws Exception {
        Path program = folder.resolve("opt/Configured Browser/browser");
        Path record = standIn(program, false);
        CompletableFuture<List<String>> browsing = browsingFrom(record);
        Cli.Run run = Cli.run(new Browser.SystemBrowser(environment(Map.of("BROWSER", "/nonexistent/browser"))), "--authority",
                provider.issuer().toString(), "--client-id", "cli", "--scope", "ocsapi", "--redirect-uri", Cli.freeRedirectUri(), "--no-cache",
                "--timeout", "30", "--browser", "'" + program + "' --incognito");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("--incognito", browsing.get(30, TimeUnit.SECONDS).get(0));
    }

    @Test
    void windowsUrlHandlerGetsThePagesFileUriAndNeverTheUrl() throws Exception {
        Path record = standIn(bin.resolve("rundll32"), false);
        try (Browser browser = new Browser.SystemBrowser(environment(Map.of()), java.util.Optional.empty(), BrowserLauncher.Platform.WINDOWS)) {
            browser.open(URI.create("https://idp.example/authorize?state=the-state-of-this-login&code_challenge=the-challenge"));
            assertTrue(Threads.await(() -> Files.exists(record), Duration.ofSeconds(30)));
            List<String> arguments = Files.readAllLines(record);
            assertEquals("url.dll,FileProtocolHandler", arguments.get(0));
            assertTrue(arguments.get(1).startsWith("file:///") && arguments.get(1).contains("login-") && arguments.get(1).endsWith(".html"),
                    arguments.toString());
            assertFalse(String.join(" ", arguments).contains("the-state-of-this-login"), "the URL is in the page only: " + arguments);
        }
    }
}
