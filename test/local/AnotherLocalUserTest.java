package cli;

import login.*;
import system.*;
import support.*;
import keycloak.*;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a second, real local user ({@link OtherUser}) can try against the launcher and the tool on a
 * shared machine, where a cache folder lies in a folder both can write (a shared XDG_CACHE_HOME, a
 * HOME kept by sudo). Each attack is made for real; each test says what must hold.
 */
class AnotherLocalUserTest {

    @TempDir
    Path work;

    private final OtherUser mallory = OtherUser.get();
    private final List<Path> shared = new ArrayList<>();
    private ScriptedProvider provider;

    @BeforeEach
    void startProvider() throws IOException {
        provider = new ScriptedProvider();
        provider.answer("/token", ScriptedProvider.json(200, new JSONObject().put("access_token", "victims-access-token")
                .put("token_type", "Bearer").put("expires_in", 300).put("refresh_token", "victims-refresh-token").toString()));
    }

    @AfterEach
    void cleanUp() throws Exception {
        provider.close();
        for (Path folder : shared) {
            new ProcessBuilder("rm", "-rf", folder.toString()).start().waitFor();
        }
    }

    /** A folder like /tmp (sticky, 1777), where both users may make things. */
    private Path sharedFolder(boolean sticky) throws IOException {
        Path folder = OtherUser.sharedFolder("ocs-shared-", sticky);
        shared.add(folder);
        return folder;
    }

    /** Runs the checkout's launcher as this user, with {@code environment}; its output and exit code. */
    private static OtherUser.Result launch(Path checkout, Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(checkout.resolve("jbang").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(checkout.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().remove("JAVA_HOME");
        builder.environment().putAll(environment);
        Process process = builder.start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        });
        assertTrue(process.waitFor(240, TimeUnit.SECONDS), "the launcher ended");
        return new OtherUser.Result(process.exitValue(), output.get());
    }

    /** A jar whose dev.jbang.Main writes {@code pwned}: what the other user wants this user to run. */
    private Path theirJBang(Path pwned) throws Exception {
        Path sources = Files.createDirectories(work.resolve("theirs/dev/jbang"));
        Files.writeString(sources.resolve("Main.java"), "package dev.jbang;\npublic class Main {\n    public static void main(String... args)"
                + " throws Exception {\n        java.nio.file.Files.writeString(java.nio.file.Path.of(\"" + pwned + "\"), \"ran\");\n    }\n}\n");
        javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, sources.resolve("Main.java").toString());
        Path jar = sharedFolder(true).resolve("jbang-cli.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("dev/jbang/Main.class"));
            out.write(Files.readAllBytes(sources.resolve("Main.class")));
        }
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        return jar;
    }

    /**
     * The other user makes ocs-pkce-login in a shared cache folder first, with JBang's files in it (in
     * the launcher's old layout and its new one): this user's launcher must not run their JBang.
     */
    @Test
    void aJBangPlantedInASharedCacheFolderNeverRuns() throws Exception {
        Path checkout = Checkout.copy(work.resolve("checkout"));
        Path pwned = work.resolve("pwned");
        Path jar = theirJBang(pwned);
        Path cacheHome = sharedFolder(true);
        Path jbangFolder = cacheHome.resolve("ocs-pkce-login/jbang-cli-0.132.1");
        OtherUser.Result planted = mallory.sh("mkdir -p " + jbangFolder + "/lib && cp " + jar + " " + jbangFolder + "/lib/ && echo "
                + jbangFolder + "/lib/jbang-cli.jar > " + jbangFolder + "/classpath.txt && touch " + jbangFolder + "/complete"
                + " && chmod -R a+rwX " + cacheHome + "/ocs-pkce-login");
        assertEquals(0, planted.exitCode(), planted.output());

        OtherUser.Result run = launch(checkout, Map.of("XDG_CACHE_HOME", cacheHome.toString()), "OcsPkceLogin.java", "--version");
        assertFalse(Files.exists(pwned), "their dev.jbang.Main ran as this user: " + run.output());
        assertEquals(17, run.exitCode(), run.output());
        assertTrue(run.output().contains("jbang: not using " + cacheHome.resolve("ocs-pkce-login") + ": ")
                && run.output().contains("belongs to " + OtherUser.NAME), run.output());
    }

    /**
     * The other user made the cache root, this user's launcher made its launcher/ folder in it, and
     * the other user swaps that folder with one of their own, as fast as the kernel allows
     * (renameat2 RENAME_EXCHANGE), while this user runs a cached script again and again. Their
     * command must never run: the launcher checks the whole place, and uses an entry only when it is
     * still the folder it checked.
     */
    @Test
    void aLauncherFolderSwappedWhileItIsReadNeverRunsTheirCommand() throws Exception {
        Path checkout = Checkout.copy(work.resolve("checkout"));
        Files.writeString(checkout.resolve("Tiny.java"), "public class Tiny {\n    public static void main(String... args) {\n"
                + "        System.out.println(\"tiny\");\n    }\n}\n");
        Path pwned = work.resolve("pwned");
        Path cacheHome = sharedFolder(true);
        Path root = cacheHome.resolve("ocs-pkce-login");
        assertEquals(0, mallory.sh("mkdir -m 777 " + root).exitCode());
        Map<String, String> environment = Map.of("XDG_CACHE_HOME", cacheHome.toString());

        OtherUser.Result first = launch(checkout, environment, "Tiny.java");
        Process swapping = null;
        int runs = 0;
        try {
            if (first.exitCode() == 0) { // the launcher used their root: make their entry for its key (which /proc shows them)
                Path launcher = root.resolve("launcher");
                String key;
                try (var entries = Files.list(launcher)) {
                    key = entries.filter(Files::isDirectory).map(Path::getFileName).map(Path::toString)
                            .filter(name -> name.matches("[0-9]+")).findFirst().orElseThrow();
                }
                String theirs = root + "/theirs/" + key;
                assertEquals(0, mallory.sh("mkdir -p " + theirs + " && printf '/bin/sh\\0-c\\0echo ran > " + pwned + "\\0' > " + theirs
                        + "/command && : > " + theirs + "/checks && : > " + theirs + "/stamp && cksum < /dev/null > " + theirs + "/sums"
                        + " && chmod -R a+rwX " + root + "/theirs").exitCode());
                int renameat2 = System.getProperty("os.arch").contains("aarch64") ? 276 : 316;
                swapping = mallory.start("cd " + root + " && exec perl -e 'my ($a, $b) = (\"launcher\", \"theirs\");"
                        + " while (1) { syscall(" + renameat2 + ", -100, $a, -100, $b, 2) }'");
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (; runs < 40 && System.nanoTime() < deadline && !Files.exists(pwned); runs++) {
                launch(checkout, environment, "Tiny.java"); // whatever else the swaps do to a run, their command must not run
            }
        } finally {
            if (swapping != null) {
                swapping.destroyForcibly().waitFor();
                new ProcessBuilder("pkill", "-u", OtherUser.NAME, "perl").start().waitFor();
            }
        }
        assertFalse(Files.exists(pwned), "their command ran as this user, after " + runs + " runs");
        assertEquals(17, first.exitCode(), "a cache root of another user is refused at once: " + first.output());
    }

    /** A JDK that the other user put in this user's JBang JDK folder, which others can write, is never the Java chosen. */
    @Test
    void aJdkInAFolderOthersCanWriteIsNeverChosen() throws Exception {
        Path checkout = Checkout.copy(work.resolve("checkout"));
        Path pwned = work.resolve("pwned");
        Path home = Files.createDirectories(work.resolve("home"));
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path jdks = Files.createDirectories(home.resolve(".jbang/cache/jdks"));
        Files.setPosixFilePermissions(jdks, PosixFilePermissions.fromString("rwxrwxrwx"));
        String java17 = Path.of(System.getProperty("java.home")).resolve("bin/java").toString();
        OtherUser.Result planted = mallory.sh("mkdir -p " + jdks + "/99/bin " + jdks + "/99/lib && printf 'JAVA_VERSION=\"99.0.1\"\\n' > "
                + jdks + "/99/release && printf '#!/bin/sh\\necho ran > " + pwned + "\\nexec " + java17 + " \"$@\"\\n' > " + jdks
                + "/99/bin/java && chmod 755 " + jdks + "/99/bin/java");
        assertEquals(0, planted.exitCode(), planted.output());

        OtherUser.Result run = launch(checkout, Map.of("HOME", home.toString(), "XDG_CACHE_HOME", work.resolve("cache").toString()),
                "OcsPkceLogin.java", "--version");
        assertFalse(Files.exists(pwned), "their java ran as this user: " + run.output());
        assertTrue(run.output().contains("jbang: not running on the Java in " + jdks + "/99: "), run.output());
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains(OcsPkceLogin.VERSION), run.output());
    }

    /** The login against the scripted provider, with the token cache in {@code cacheDir} and {@code browser} in front. */
    private Cli.Run login(Browser browser, String... extra) {
        List<String> args = new ArrayList<>(List.of("--authority", provider.issuer().toString(), "--client-id", "cli",
                "--scope", "ocsapi", "--redirect-uri", Cli.freeRedirectUri(), "--timeout", "10"));
        args.addAll(List.of(extra));
        return Cli.run(browser, args.toArray(String[]::new));
    }

    /**
     * The other user made the cache root in a shared folder; during the sign-in they swap tokens/ for
     * a folder of their own. This user's tokens must never be written into a folder they control.
     */
    @Test
    void tokensAreNeverWrittenIntoAFolderTheOtherUserControls() throws Exception {
        Path root = sharedFolder(true).resolve("ocs-pkce-login");
        assertEquals(0, mallory.sh("mkdir -m 777 " + root).exitCode());
        Browser swappingFirst = url -> {
            mallory.sh("cd " + root + " && mv tokens tokens.victim && mkdir -m 777 tokens");
            Cli.answeringWith(Map.of("code", "the-code")).open(url);
        };
        Cli.Run run = login(swappingFirst, "--cache-dir", root.resolve("tokens").toString());
        try (var files = Files.walk(root)) {
            List<Path> ours = files.filter(Files::isRegularFile).filter(file -> {
                try {
                    return Files.readString(file).contains("victims-refresh-token");
                } catch (IOException unreadable) {
                    return false;
                }
            }).toList();
            for (Path file : ours) {
                assertFalse(Files.getOwner(file.getParent()).getName().equals(OtherUser.NAME), "this user's tokens were written to "
                        + file + ", in a folder of " + OtherUser.NAME + ": " + run);
            }
        }
        assertEquals(LoginException.Exit.CACHE_FAILED.code, run.exitCode(), run.toString());
        assertTrue(run.errorLines().get(0).contains(root + " belongs to " + OtherUser.NAME), run.toString());
        assertEquals("", run.out());
    }

    /**
     * The other user made the cache root; the browser is slow to open its launch page, and meanwhile
     * they put their own page in its place. The browser must never get their page: the page is only
     * made in a folder that passes the rule, and otherwise the URL is printed with the reason.
     */
    @Test
    void theBrowserNeverOpensAPageTheOtherUserCouldReplace() throws Exception {
        Path cacheHome = sharedFolder(true);
        Path root = cacheHome.resolve("ocs-pkce-login");
        assertEquals(0, mallory.sh("mkdir -m 777 " + root).exitCode());
        Path opened = work.resolve("opened");
        Path swapped = work.resolve("swapped");
        Path seen = work.resolve("seen");
        Path browser = Files.writeString(work.resolve("browser.sh"), "#!/bin/sh\nprintf '%s\\n' \"$1\" > " + opened + "\n"
                + "for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do [ -e " + swapped + " ] && break; sleep 0.2; done\n"
                + "cat \"${1#file://}\" > " + seen + "\n");
        browser.toFile().setExecutable(true);
        Browser.SystemBrowser system = new Browser.SystemBrowser(Map.of("XDG_CACHE_HOME", cacheHome.toString(), "BROWSER", browser.toString()));
        CompletableFuture<Cli.Run> run = CompletableFuture.supplyAsync(() -> login(system, "--no-cache", "--timeout", "4"));
        if (Threads.await(() -> Files.exists(opened), Duration.ofSeconds(4))) {
            Path page = Path.of(URI.create(Files.readString(opened).strip()));
            mallory.sh("cd " + root + " && mv launch launch.victim && mkdir -m 777 launch && echo THEIR-PAGE > launch/" + page.getFileName());
            Files.writeString(swapped, "");
        }
        Cli.Run result = run.get(30, TimeUnit.SECONDS);
        Thread.sleep(500);
        assertFalse(Files.exists(seen) && Files.readString(seen).contains("THEIR-PAGE"), "the browser got their page: " + result);
        assertFalse(Files.exists(opened), "no browser is started with a page in a folder of another user: " + result);
        assertTrue(result.err().contains("No browser could be opened (the folder of its launch page is not used: " + root
                + " belongs to " + OtherUser.NAME), result.toString());
        assertTrue(result.err().lines().anyMatch(line -> line.startsWith(provider.issuer() + "/authorize?")), "the URL is printed: " + result);
    }

    /** A token entry that belongs to the other user (planted, or given away) is never read: exit 17, naming its owner. */
    @Test
    void aTokenEntryOfTheOtherUserIsRefused() throws Exception {
        Path folder = work.resolve("tokens");
        TokenCache.Key key = new TokenCache.Key(provider.issuer().toString(), "cli", "ocsapi", "", false);
        Path file = CacheEntries.write(folder, key, new JSONObject().put("access_token", "their-access-token").put("token_type", "Bearer"),
                java.time.Instant.now().plusSeconds(3600));
        Files.setOwner(file, file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(OtherUser.NAME));
        Cli.Run run = login(url -> {
            throw new AssertionError("no sign-in either: the cache cannot be used");
        }, "--cache-dir", folder.toString());
        assertEquals(LoginException.Exit.CACHE_FAILED.code, run.exitCode(), run.toString());
        assertTrue(run.errorLines().get(0).contains("belongs to " + OtherUser.NAME), run.toString());
        assertFalse(run.out().contains("their-access-token"), "their token never reaches stdout");
    }

    /**
     * A token file that others could read (0644 in a 0755 folder), and that the other user did read:
     * it is never used; its refresh token is revoked, the file deleted, and the sign-in done again.
     */
    @Test
    void aTokenFileOthersCouldReadIsRevokedDeletedAndReplaced() throws Exception {
        provider.discoveryWith(document -> document.put("revocation_endpoint", provider.issuer() + "/revoke"));
        provider.answer("/revoke", ScriptedProvider.raw(200, "text/plain", ""));
        Path folder = sharedFolder(true).resolve("tokens");
        Files.createDirectories(folder);
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        LoginConfig config = ConfigFiles.fromIni("test", ConfigFiles.parse("test", List.of("[Configuration]", "Authority = "
                + provider.issuer(), "ClientId = cli", "Scope = ocsapi")), Overrides.NONE);
        Path file = CacheEntries.write(folder, TokenCache.Key.of(config), new JSONObject().put("access_token", "exposed-access-token")
                .put("token_type", "Bearer").put("refresh_token", "exposed-refresh-token"), java.time.Instant.now().plusSeconds(3600));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        OtherUser.Result read = mallory.sh("cat " + file);
        assertTrue(read.output().contains("exposed-refresh-token"), "the other user could read it: " + read.output());

        Cli.Run run = login(Cli.answeringWith(Map.of("code", "the-code")), "--cache-dir", folder.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("victims-access-token\n", run.out(), "a new sign-in, not the exposed token");
        assertEquals(1, run.err().lines().filter(line -> line.startsWith("warning: the cached tokens in " + file
                + " could be read by other users, so they are not used")).count(), run.toString());
        assertTrue(provider.requests.stream().anyMatch(request -> request.path().equals("/revoke")
                && request.body().contains("token=exposed-refresh-token")), provider.requests.toString());
        assertEquals("rw-------", Modes.of(file), "the new entry is private");
        assertFalse(Files.readString(file).contains("exposed"), "the exposed tokens are gone");
    }

    /**
     * The other user plants a config.ini in a folder where this user works (a shared folder): it would
     * send this user's sign-in to their provider, with AuthParams of their choosing. It is not used.
     */
    @Test
    void aConfigIniThatTheOtherUserPlantedIsNotUsed() throws Exception {
        Path meeting = sharedFolder(true);
        OtherUser.Result planted = mallory.sh("printf '[Configuration]\\nAuthority = " + provider.issuer() + "\\nClientId = theirs\\n'"
                + " > " + meeting + "/config.ini && chmod 644 " + meeting + "/config.ini");
        assertEquals(0, planted.exitCode(), planted.output());
        Map<String, String> environment = Map.of("XDG_CONFIG_HOME", work.resolve("no-config").toString());
        LoginException e = org.junit.jupiter.api.Assertions.assertThrows(LoginException.class,
                () -> ConfigFiles.find(null, Overrides.NONE, environment, meeting));
        assertEquals(LoginException.Exit.CACHE_FAILED, e.exit(), e.getMessage());
        assertTrue(e.getMessage().startsWith("Not using " + meeting.resolve("config.ini") + ": " + meeting.resolve("config.ini")
                + " belongs to " + OtherUser.NAME + ", not to you or root"), e.getMessage());
        assertTrue(provider.requests.isEmpty(), "nothing was sent to their provider");

        // this user's own file in the same sticky folder is used; one that others may write is not
        Path mine = Files.createDirectories(work.resolve("mine"));
        Files.writeString(mine.resolve("config.ini"), "[Configuration]\nAuthority = https://kc.example/r\nClientId = mine\n");
        assertEquals("mine", ConfigFiles.find(null, Overrides.NONE, environment, mine).clientId());
        Files.setPosixFilePermissions(mine.resolve("config.ini"), PosixFilePermissions.fromString("rw-rw-rw-"));
        LoginException writable = org.junit.jupiter.api.Assertions.assertThrows(LoginException.class,
                () -> ConfigFiles.find(null, Overrides.NONE, environment, mine));
        assertTrue(writable.getMessage().contains("can be written by other users"), writable.getMessage());
    }

    /**
     * The other user holds the demo's Keycloak port first, answering like a realm would: --demo must
     * not use it, must say so, and must never send it a secret (such as the demo admin's password).
     */
    @Test
    void aDemoPortTheOtherUserHoldsIsSaidAndNeverUsed() throws Exception {
        Path meeting = sharedFolder(true);
        Path log = meeting.resolve("requests.log");
        Path squatter = meeting.resolve("Squat.java");
        Files.writeString(squatter, """
                import java.io.*;
                import java.net.*;
                import java.nio.charset.StandardCharsets;
                import java.nio.file.*;
                public class Squat {
                    public static void main(String... args) throws Exception {
                        ServerSocket server = new ServerSocket(Integer.parseInt(args[0]), 50, InetAddress.getByName("127.0.0.1"));
                        while (true) {
                            try (Socket socket = server.accept()) {
                                socket.setSoTimeout(2000);
                                byte[] request = new byte[65536];
                                int n = socket.getInputStream().read(request);
                                Files.writeString(Path.of(args[1]), new String(request, 0, Math.max(n, 0), StandardCharsets.UTF_8) + "\\n",
                                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                                String body = "{\\"issuer\\":\\"http://127.0.0.1:" + args[0] + "/realms/ocs-pkce-demo\\",\\"access_token\\":\\"x\\"}";
                                socket.getOutputStream().write(("HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\nContent-Length: "
                                        + body.length() + "\\r\\nConnection: close\\r\\n\\r\\n" + body).getBytes(StandardCharsets.UTF_8));
                            } catch (IOException e) {
                                // the next one
                            }
                        }
                    }
                }
                """);
        Files.setPosixFilePermissions(squatter, PosixFilePermissions.fromString("rw-r--r--"));
        URI issuer = URI.create("http://127.0.0.1:18086/realms/ocs-pkce-demo");
        Process squatting = mallory.start("exec java " + squatter + " 18086 " + log + " > " + meeting + "/squat.out 2>&1");
        try {
            if (!Threads.await(() -> LocalKeycloak.answers(issuer), Duration.ofSeconds(60))) {
                throw new AssertionError("their server answers: " + mallory.sh("cat " + meeting + "/squat.out; ls -la " + meeting).output());
            }
            List<java.net.URI> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
            Cli.Run run = Cli.run(opened::add, "--demo", "--authority", issuer.toString(), "--redirect-uri", Cli.freeRedirectUri());
            assertEquals(LoginException.Exit.KEYCLOAK_FAILED.code, run.exitCode(), run.toString());
            assertTrue(run.errorLines().get(0).contains("Port 18086 answers, but not as your own Keycloak: another user's program listens"
                    + " on it"), run.toString());
            assertEquals(List.of(), opened, "no browser was sent there");
            String seen = Files.exists(log) ? Files.readString(log) : "";
            assertFalse(seen.contains("password") || seen.contains("POST"), "nothing but discovery went there: " + seen);
        } finally {
            squatting.destroy();
            mallory.sh("pkill -u " + OtherUser.NAME + " -f Squat.java");
        }
    }

    /**
     * The other user plants a jbang-catalog.json above the folder where this user runs ocs-login (a
     * shared folder, a clone under /tmp), with an ocs-login alias and a catalog named "catalog" of
     * theirs: the installed command runs this checkout's script by its path, and never a catalog's.
     */
    @Test
    void aCatalogPlantedAboveTheWorkingFolderNeverChangesWhatOcsLoginRuns() throws Exception {
        Path checkout = Checkout.copy(work.resolve("checkout"));
        Path home = Files.createDirectories(work.resolve("home"));
        Path jbangHome = home.resolve(".jbang");
        Map<String, String> environment = Map.of("HOME", home.toString(), "JBANG_DIR", jbangHome.toString(),
                "JBANG_JAVA_OPTIONS", "-Duser.home=" + home, "XDG_CACHE_HOME", work.resolve("cache").toString());
        assertEquals(0, launch(checkout, environment, "catalog", "add", "-g", "--name", "catalog",
                checkout.resolve("jbang-catalog.json").toString()).exitCode());
        OtherUser.Result installed = launch(checkout, environment, "app", "install", "ocs-login@catalog");
        assertEquals(0, installed.exitCode(), installed.output());
        Path command = jbangHome.resolve("bin").resolve("ocs-login");
        assertTrue(Files.readString(command).contains("exec '" + checkout.resolve("jbang").toRealPath() + "' '"
                + checkout.resolve("OcsPkceLogin.java").toRealPath() + "' \"$@\""), Files.readString(command));

        Path meeting = sharedFolder(true);
        Path pwned = meeting.resolve("pwned");
        OtherUser.Result planted = mallory.sh("mkdir -p " + meeting + "/theirs && printf '%s\\n' 'public class Evil { public static void"
                + " main(String... a) throws Exception { java.nio.file.Files.writeString(java.nio.file.Path.of(\"" + pwned + "\"), \"ran\");"
                + " System.out.println(\"their-token\"); } }' > " + meeting + "/theirs/Evil.java && printf '%s\\n' '{\"aliases\": {\"ocs-login\":"
                + " {\"script-ref\": \"theirs/Evil.java\"}}, \"catalogs\": {\"catalog\": {\"catalog-ref\": \"" + meeting
                + "/jbang-catalog.json\"}}}' > " + meeting + "/jbang-catalog.json && chmod -R a+rX " + meeting + "/theirs "
                + meeting + "/jbang-catalog.json");
        assertEquals(0, planted.exitCode(), planted.output());
        Path below = Files.createDirectories(meeting.resolve("mine/work"));
        for (int run = 0; run < 2; run++) {
            OtherUser.Result result = runIn(below, environment, command.toString(), "--version");
            assertFalse(Files.exists(pwned), "their script ran as this user: " + result.output());
            assertEquals(0, result.exitCode(), result.output());
            assertTrue(result.output().contains(OcsPkceLogin.VERSION) && !result.output().contains("their-token"), result.output());
        }
    }

    /** Runs {@code command} in {@code folder} as this user; its output (stdout and stderr) and exit code. */
    private static OtherUser.Result runIn(Path folder, Map<String, String> environment, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(240, TimeUnit.SECONDS), "the command ended");
        return new OtherUser.Result(process.exitValue(), output);
    }

    /**
     * `LocalKeycloak.java stop` stops this user's Keycloaks only, and says so of another user's that it
     * finds (one whose command line names the same folder), rather than "Keycloak stopped" (issue 22).
     */
    @Test
    void stopLeavesAnotherUsersKeycloakAndSaysSo() throws Exception {
        Path kcsh = LocalKeycloak.cacheFolder().resolve("keycloak-" + LocalKeycloak.VERSION).resolve("bin").resolve("kc.sh");
        Path script = sharedFolder(true).resolve("theirs.sh"); // so that runuser's own command line (root's) does not name the folder
        Files.writeString(script, "exec sh -c 'sleep 300' " + kcsh + " start --http-port=18087 --hostname-strict=false\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
        Process theirs = mallory.start("exec sh " + script);
        try {
            assertTrue(Threads.await(() -> LocalKeycloak.processes(kcsh.getParent().getParent()).anyMatch(process -> process.info()
                    .commandLine().map(line -> line.contains("--http-port=18087 ")).orElse(false)), Duration.ofSeconds(20)));
            OtherUser.Result stop = runIn(Path.of("").toAbsolutePath(), Map.of(), "./jbang", "LocalKeycloak.java", "stop", "18087");
            assertEquals(1, stop.exitCode(), stop.output());
            assertTrue(stop.output().contains("Not stopped: the Keycloak process ") && stop.output().contains(" runs as " + OtherUser.NAME
                    + ", not as you"), stop.output());
            assertFalse(stop.output().contains("Keycloak stopped"), stop.output());
            assertTrue(theirs.isAlive() || LocalKeycloak.processes(kcsh.getParent().getParent()).findAny().isPresent(), "theirs still runs");
        } finally {
            mallory.sh("pkill -u " + OtherUser.NAME + " sleep");
            theirs.destroy();
        }
    }
}
