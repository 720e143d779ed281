package cli;

import login.*;
import system.*;
import support.*;
import keycloak.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ./jbang launcher's cache of JBang's command line: a hit runs the tool without JBang, any
 * change it depends on is a miss, user arguments never meet the shell, and its folder is private.
 * Each test has its own copy of the scripts and its own cache folder.
 */
class LauncherTest {

    @TempDir
    Path work;

    /** A copy of the scripts, as a user's checkout. */
    private Path checkout() throws IOException {
        return Checkout.copy(work.resolve("checkout"));
    }

    private record Result(int exitCode, String out, String err) {
        boolean hit() {
            return err.contains("[jbang] launch cache: hit");
        }
    }

    /** Runs the copy's launcher; its caches (the launcher's, JBang's download) live in this test's folder. */
    private Result launch(Path checkout, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(checkout.resolve("jbang").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(checkout.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("XDG_CACHE_HOME", work.resolve("cache").toString());
        builder.environment().put("OCS_LAUNCHER_VERBOSE", "1");
        builder.environment().remove("BROWSER");
        Process process = builder.start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        String out = read(process.getInputStream());
        assertTrue(process.waitFor(240, TimeUnit.SECONDS), "the launcher ended");
        return new Result(process.exitValue(), out, err.get());
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Path launcherFolder() {
        return work.resolve("cache").resolve("ocs-pkce-login").resolve("launcher");
    }

    @Test
    void aSecondRunIsAHitThatNeedsNoJBangAndPrintsOnlyTheResult() throws Exception {
        Path checkout = checkout();
        Result first = launch(checkout, "OcsPkceLogin.java", "--version");
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(first.err().contains("launch cache: miss: no entry yet"), first.err());
        assertTrue(first.out().matches(java.util.regex.Pattern.quote(OcsPkceLogin.VERSION) + " \\(Java [^)]+\\)\n"),
                "stdout holds the result alone, even in a training run: " + first.out());
        for (int i = 0; i < 2; i++) {
            Result again = launch(checkout, "OcsPkceLogin.java", "--version");
            assertTrue(again.hit(), again.err());
            assertEquals(first.out(), again.out());
            assertFalse(again.err().contains("Building") || again.err().contains("Resolving"), "JBang did not run: " + again.err());
        }
        assertEquals("rwx------", Modes.of(launcherFolder()));
    }

    /**
     * The run that trains the AOT cache (and walks every path besides) still writes the token alone to
     * stdout, and on stderr nothing but the launcher's, JBang's and the tool's own lines: none of the
     * JVM's about making the cache.
     */
    @Test
    void aTrainingRunWritesTheTokenAloneToStdoutAndNothingOfTheJvmsToStderr() throws Exception {
        Path checkout = checkout();
        Path tokens = work.resolve("tokens");
        LoginConfig config = ConfigFiles.find(checkout.resolve("keycloak").resolve("demo.ini"), Overrides.NONE, Map.of(), checkout);
        CacheEntries.write(tokens, TokenCache.Key.of(config), new org.json.JSONObject().put("access_token", "cached.access.token")
                .put("token_type", "Bearer"), java.time.Instant.now().plusSeconds(3600));
        Result training = launch(checkout, "OcsPkceLogin.java", "--config", "keycloak/demo.ini", "--cache-dir", tokens.toString());
        assertEquals(0, training.exitCode(), training.err());
        assertTrue(training.err().contains("it also records how the tool starts") || newestJava25() == null, training.err());
        assertEquals("cached.access.token\n", training.out(), "stdout holds the token alone");
        List<String> notOurs = training.err().lines()
                .filter(line -> !line.startsWith("[jbang] ") && !line.startsWith("Config: ") && !line.startsWith("Using the cached access token")).toList();
        assertEquals(List.of(), notOurs, "stderr holds our lines only");
    }

    /** Ctrl-C during the run that trains the AOT cache: the login says it was cancelled, and nothing half-made is left. */
    @Test
    void anInterruptedTrainingRunLeavesNothingBehind() throws Exception {
        Map<String, String> environment = Map.of("XDG_CACHE_HOME", work.resolve("cache").toString(),
                "CLI_WRAPPER", "setsid env --default-signal=INT,TERM,HUP"); // its own process group, as a terminal's job
        try (ScriptedProvider provider = new ScriptedProvider(); CliProcess cli = CliProcess.start(environment, "--authority",
                provider.issuer().toString(), "--client-id", "c", "--redirect-uri", Cli.freeRedirectUri(), "--no-browser", "--timeout", "120")) {
            cli.awaitErrLine(line -> line.startsWith("Step 4:"), Duration.ofSeconds(180));
            assertTrue(cli.err().contains("it also records how the tool starts") || newestJava25() == null, cli.err());
            assertEquals(0, new ProcessBuilder("kill", "-INT", "--", "-" + cli.pid()).start().waitFor()); // Ctrl-C: the whole group (-- or procps reads -PGID as an option)
            assertEquals(130, cli.waitFor(Duration.ofSeconds(30)), cli.err());
            assertTrue(cli.err().contains("error: the login was cancelled"), cli.err());
        }
        try (Stream<Path> left = Files.walk(launcherFolder())) {
            List<String> halfMade = left.map(Path::getFileName).map(Path::toString)
                    .filter(name -> name.matches("app\\.aot\\..*") || name.equals("training")).toList();
            assertEquals(List.of(), halfMade, "no partial AOT cache and no training lock");
        }
    }

    /** `ocs-login@catalog` from another folder: its script is learned on the first run, and later runs are hits. */
    @Test
    void theCatalogAliasIsCachedToo() throws Exception {
        Path checkout = checkout();
        Path jbangHome = Files.createDirectories(work.resolve("jbang-home"));
        Path elsewhere = Files.createDirectories(work.resolve("elsewhere"));
        assertEquals(0, launchIn(checkout, jbangHome, checkout, "catalog", "add", "-g", "--name", "catalog",
                checkout.resolve("jbang-catalog.json").toString()).exitCode());
        Result last = null;
        for (int run = 0; run < 3; run++) {
            last = launchIn(checkout, jbangHome, elsewhere, "ocs-login@catalog", "--version");
            assertEquals(0, last.exitCode(), last.err());
            assertTrue(last.out().startsWith(OcsPkceLogin.VERSION), last.out());
        }
        assertTrue(last.hit(), "the third run is a hit: " + last.err());
    }

    private Result launchIn(Path checkout, Path jbangHome, Path folder, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(checkout.resolve("jbang").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("XDG_CACHE_HOME", work.resolve("cache").toString());
        builder.environment().put("JBANG_DIR", jbangHome.toString());
        builder.environment().put("OCS_LAUNCHER_VERBOSE", "1");
        Process process = builder.start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        String out = read(process.getInputStream());
        assertTrue(process.waitFor(240, TimeUnit.SECONDS), "the launcher ended");
        return new Result(process.exitValue(), out, err.get());
    }

    /** Arguments with everything a shell would act on reach the tool as they were given, on a miss and on a hit. */
    @Test
    void argumentsReachTheToolVerbatimAndNeverMeetTheShell() throws Exception {
        Path checkout = checkout();
        Path pwned = work.resolve("pwned");
        String hostile = "http://x/$(touch " + pwned + ")`touch " + pwned + "`;touch " + pwned + " * \"q\" 'a b' \\";
        for (int run = 0; run < 2; run++) {
            Result result = launch(checkout, "OcsPkceLogin.java", "--authority", "https://a.example", "--client-id", "c",
                    "--redirect-uri", hostile);
            assertEquals(LoginException.Exit.CONFIG_INVALID.code, result.exitCode(), result.err());
            assertTrue(result.err().contains("'" + hostile + "'"), "run " + run + ": " + result.err());
            assertFalse(Files.exists(pwned), "no shell ran any part of an argument");
            assertEquals(run == 1, result.hit(), result.err());
        }
    }

    @Test
    void aChangedSourceIsAMissButATouchedOneIsNot() throws Exception {
        Path checkout = checkout();
        launch(checkout, "OcsPkceLogin.java", "--version");
        Path source = checkout.resolve("login/Limits.java");
        Files.setLastModifiedTime(source, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        assertTrue(launch(checkout, "OcsPkceLogin.java", "--version").hit(), "only the time changed: still a hit");

        Files.writeString(source, Files.readString(source) + "\n// changed\n");
        Result changed = launch(checkout, "OcsPkceLogin.java", "--version");
        assertEquals(0, changed.exitCode(), changed.err());
        assertTrue(changed.err().contains("launch cache: miss: a source or file changed"), changed.err());
        assertTrue(launch(checkout, "OcsPkceLogin.java", "--version").hit());

        Path built = checkout.resolve("keycloak").resolve("demo.ini"); // a //FILES file of LocalKeycloak, sourced by the tool
        Files.writeString(built, Files.readString(built) + "\n# changed\n");
        assertTrue(launch(checkout, "OcsPkceLogin.java", "--version").err().contains("miss: a source or file changed"));
    }

    /** A //SOURCES glob (the test script's test/*.java) names no file when a new one appears; its folder tells. */
    @Test
    void aNewFileWhereASourcesGlobLooksIsAMiss() throws Exception {
        Path folder = Files.createDirectories(work.resolve("globbing"));
        Files.copy(Path.of("jbang"), folder.resolve("jbang"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.createDirectories(folder.resolve("lib"));
        Files.writeString(folder.resolve("Main.java"), "//SOURCES lib/*.java\n\npublic class Main {\n    public static void main(String... args)"
                + " throws Exception {\n        System.out.println(Class.forName(args[0]).getSimpleName());\n    }\n}\n");
        Files.writeString(folder.resolve("lib").resolve("First.java"), "class First {\n}\n");
        assertEquals("First\n", launch(folder, "Main.java", "First").out());
        assertTrue(launch(folder, "Main.java", "First").hit());
        Files.writeString(folder.resolve("lib").resolve("Second.java"), "class Second {\n}\n");
        Result afterNewFile = launch(folder, "Main.java", "Second");
        assertTrue(afterNewFile.err().contains("launch cache: miss: " + folder.toRealPath().resolve("lib") + " changed"), afterNewFile.err());
        assertEquals("Second\n", afterNewFile.out(), "the new file was compiled in: " + afterNewFile.err());
    }

    @Test
    void aMissingFileSendsTheRunBackToJBang() throws Exception {
        Path checkout = checkout();
        launch(checkout, "OcsPkceLogin.java", "--version");
        Files.delete(checkout.resolve("system/Tls.java"));
        Result missing = launch(checkout, "OcsPkceLogin.java", "--version");
        assertTrue(missing.err().contains("miss: " + checkout.toRealPath().resolve("system/Tls.java") + " is gone"), missing.err());
        assertTrue(missing.exitCode() != 0, "JBang reports the missing source: " + missing.err());
    }

    @Test
    void aLaunchFolderOthersCanWriteIsNotUsed() throws Exception {
        Path checkout = checkout();
        launch(checkout, "OcsPkceLogin.java", "--version");
        Files.setPosixFilePermissions(launcherFolder(), PosixFilePermissions.fromString("rwxrwxrwx"));
        Result result = launch(checkout, "OcsPkceLogin.java", "--version");
        assertEquals(17, result.exitCode(), result.err());
        assertTrue(result.err().contains("jbang: not using " + launcherFolder().getParent() + ": " + launcherFolder()
                + " can be written by other users (mode 777)"), result.err());
        assertFalse(result.hit());
        assertEquals("", result.out(), "nothing ran");
    }

    /** JBang's build of one script is not safe twice at once; the launcher runs one JBang at a time. */
    @Test
    void firstRunsAtTheSameTimeAllSucceed() throws Exception {
        Path checkout = checkout();
        List<CompletableFuture<Result>> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            runs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return launch(checkout, "OcsPkceLogin.java", "--version");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (CompletableFuture<Result> run : runs) {
            Result result = run.get(300, TimeUnit.SECONDS);
            assertEquals(0, result.exitCode(), result.err());
            assertTrue(result.out().startsWith(OcsPkceLogin.VERSION + " (Java "), result.out());
        }
    }

    /** A script with //CDS runs on the newest Java 25+ with an AOT cache; --java keeps the Java asked for. */
    @Test
    void theToolRunsOnTheNewestJavaWithAnAotCacheUnlessAnotherIsAsked() throws Exception {
        Path checkout = checkout();
        launch(checkout, "OcsPkceLogin.java", "--version");
        launch(checkout, "OcsPkceLogin.java", "--version");
        String newest = newestJava25();
        List<Path> entries;
        try (Stream<Path> files = Files.list(launcherFolder())) {
            entries = files.filter(Files::isDirectory).toList();
        }
        assertEquals(1, entries.size(), entries.toString());
        String command = Files.readString(entries.get(0).resolve("command")).replace('\0', ' ');
        if (newest != null) {
            assertTrue(command.startsWith(newest + "/bin/java "), command);
            assertTrue(Files.size(entries.get(0).resolve("app.aot")) > 1_000_000, "the AOT cache was trained");
        }
        for (int run = 0; run < 2; run++) { // the first writes JBang's CDS archive for Java 17, and is not cached
            Result seventeen = launch(checkout, "--java", "17", "OcsPkceLogin.java", "--version");
            assertEquals(0, seventeen.exitCode(), seventeen.err());
        }
        try (Stream<Path> files = Files.list(launcherFolder())) {
            List<Path> onSeventeen = files.filter(Files::isDirectory).filter(entry -> majorOf(entry) == 17).toList();
            assertEquals(1, onSeventeen.size(), "--java 17 has an entry of its own");
            assertFalse(Files.exists(onSeventeen.get(0).resolve("aot")), "and JBang's CDS, not an AOT cache");
        }
    }

    /** The Java version of an entry's command, from its JDK's release file. */
    private static int majorOf(Path entry) {
        try {
            String java = Files.readString(entry.resolve("command")).split("\0")[0];
            for (String line : Files.readAllLines(Path.of(java).getParent().getParent().resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=\"")) {
                    return Integer.parseInt(line.substring(14).split("[.\"]")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not an entry
        }
        return 0;
    }

    /** The newest JDK of version 25 or more among the usual install folders, as the launcher looks for it. */
    private static String newestJava25() throws IOException {
        String best = null;
        int bestMajor = 0;
        List<Path> homes = new ArrayList<>();
        if (Files.isDirectory(Path.of("/usr/lib/jvm"))) {
            try (Stream<Path> jvms = Files.list(Path.of("/usr/lib/jvm"))) {
                homes.addAll(jvms.filter(home -> !Files.isSymbolicLink(home)).toList());
            }
        }
        for (Path home : homes) {
            Path release = home.resolve("release");
            if (!Files.isRegularFile(release) || !Files.isExecutable(home.resolve("bin/java"))) {
                continue;
            }
            for (String line : Files.readAllLines(release)) {
                if (line.startsWith("JAVA_VERSION=\"")) {
                    int major = Integer.parseInt(line.substring(14).split("[.\"]")[0]);
                    if (major >= 25 && major > bestMajor) {
                        best = home.toString();
                        bestMajor = major;
                    }
                }
            }
        }
        return best;
    }

    /** JBang's own options (-D, --verbose...) reach JBang on the path that is not cached too. */
    @Test
    void jbangsOptionsArePassedOn() throws Exception {
        Path folder = Files.createDirectories(work.resolve("options"));
        Files.copy(Path.of("jbang"), folder.resolve("jbang"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.writeString(folder.resolve("Props.java"), "public class Props {\n    public static void main(String... args) {\n"
                + "        System.out.println(System.getProperty(\"x\") + \" \" + String.join(\",\", args));\n    }\n}\n");
        Result result = launch(folder, "-Dx=1", "Props.java", "a", "b");
        assertEquals(0, result.exitCode(), result.err());
        assertEquals("1 a,b\n", result.out());
    }

    /** The launcher tracks what the build reads: a new or edited config.ini (which no //SOURCES names) keeps the next run a hit. */
    @Test
    void editingConfigIniKeepsTheNextRunAHit() throws Exception {
        Path checkout = checkout();
        launch(checkout, "OcsPkceLogin.java", "--version");
        assertTrue(launch(checkout, "OcsPkceLogin.java", "--version").hit());
        Path config = checkout.resolve("config.ini");
        Files.copy(checkout.resolve("config.placeholder.ini"), config);
        Result afterNew = launch(checkout, "OcsPkceLogin.java", "--version");
        assertTrue(afterNew.hit(), "a new config.ini: still a hit: " + afterNew.err());
        Files.writeString(config, Files.readString(config).replace("PLACEHOLDER_REPLACE_WITH_CLIENT_ID", "my-client"));
        Path edited = checkout.resolve("config.ini.tmp");
        Files.writeString(edited, Files.readString(config) + "\n");
        Files.move(edited, config, StandardCopyOption.REPLACE_EXISTING); // as editors save: a new file renamed over the old
        Result afterEdit = launch(checkout, "OcsPkceLogin.java", "--version");
        assertTrue(afterEdit.hit(), "an edited config.ini: still a hit: " + afterEdit.err());
    }

    /**
     * `./jbang app install ocs-login@catalog` (JBang's convention) gives an ocs-login command that runs
     * the script by its path through this launcher, from any folder, and is a hit from its second run on
     * (the script's path, not the folder, is what the launcher's entry is for).
     */
    @Test
    void anInstalledCommandRunsThroughTheLauncherFromAnyFolder() throws Exception {
        Path checkout = checkout();
        Path jbangHome = Files.createDirectories(work.resolve("jbang-home"));
        Path home = Files.createDirectories(work.resolve("home"));
        Path elsewhere = Files.createDirectories(work.resolve("elsewhere"));
        Map<String, String> environment = Map.of("JBANG_DIR", jbangHome.toString(), "HOME", home.toString(),
                "JBANG_JAVA_OPTIONS", "-Duser.home=" + home, // JBang's app setup edits the rc files of its user.home
                "PATH", jbangHome.resolve("bin") + ":" + System.getenv("PATH"));
        assertEquals(0, launchWith(checkout, checkout, environment, "catalog", "add", "-g", "--name", "catalog",
                checkout.resolve("jbang-catalog.json").toString()).exitCode());
        Result installed = launchWith(checkout, checkout, environment, "app", "install", "ocs-login@catalog");
        assertEquals(0, installed.exitCode(), installed.err());
        Path command = jbangHome.resolve("bin").resolve("ocs-login");
        assertTrue(Files.readString(command).contains("exec '" + checkout.resolve("jbang").toRealPath() + "' '"
                + checkout.resolve("OcsPkceLogin.java").toRealPath() + "' \"$@\""), "the script by its path, no alias: " + Files.readString(command));
        Result last = null;
        for (Path folder : List.of(elsewhere, elsewhere, Files.createDirectories(work.resolve("another")))) {
            last = launchCommand(command, folder, environment, "--version");
            assertEquals(0, last.exitCode(), last.err());
            assertTrue(last.out().startsWith(OcsPkceLogin.VERSION), last.out());
        }
        assertTrue(last.hit(), "a run in a new folder is a hit too: " + last.err());

        // installed by the script's path, relative, from a folder with a space: the same command
        Path spaced = Checkout.copy(work.resolve("a checkout"));
        assertEquals(0, launchWith(spaced, spaced, environment, "app", "install", "--force", "--name", "ocs-login", "OcsPkceLogin.java")
                .exitCode());
        assertTrue(Files.readString(command).contains("exec '" + spaced.resolve("jbang").toRealPath() + "' '"
                + spaced.resolve("OcsPkceLogin.java").toRealPath() + "' \"$@\""), Files.readString(command));
        assertTrue(launchCommand(command, elsewhere, environment, "--version").out().startsWith(OcsPkceLogin.VERSION));
    }

    private Result launchWith(Path checkout, Path folder, Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(checkout.resolve("jbang").toString()));
        command.addAll(List.of(args));
        return launchCommandLine(command, folder, environment);
    }

    private Result launchCommand(Path command, Path folder, Map<String, String> environment, String... args) throws Exception {
        List<String> line = new ArrayList<>(List.of(command.toString()));
        line.addAll(List.of(args));
        return launchCommandLine(line, folder, environment);
    }

    private Result launchCommandLine(List<String> command, Path folder, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("XDG_CACHE_HOME", work.resolve("cache").toString());
        builder.environment().put("OCS_LAUNCHER_VERBOSE", "1");
        builder.environment().putAll(environment);
        Process process = builder.start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        String out = read(process.getInputStream());
        assertTrue(process.waitFor(240, TimeUnit.SECONDS), "the launcher ended");
        return new Result(process.exitValue(), out, err.get());
    }

    /**
     * Java 17 reads sources in the locale's charset, which is ASCII where LANG and LC_* are unset (a
     * plain container, a CI runner, env -i): every script still builds and runs there, since each
     * tells javac its encoding (issue 21). JBang gets a cache folder of its own, so that it compiles.
     */
    @Test
    void everyScriptBuildsOnJava17WithoutALocale() throws Exception {
        Path checkout = checkout();
        List<String> base = List.of("env", "-i", "PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + System.getenv("HOME"),
                "XDG_CACHE_HOME=" + work.resolve("cache"), "JBANG_CACHE_DIR=" + work.resolve("jbang-cache"), checkout.resolve("jbang").toString());
        for (List<String> args : List.of(List.of("--java", "17", "OcsPkceLogin.java", "--version"),
                List.of("build", "--java", "17", "LocalKeycloak.java"), List.of("build", "--java", "17", "OcsPkceLoginTest.java"))) {
            List<String> command = new ArrayList<>(base);
            command.addAll(args);
            Process process = new ProcessBuilder(command).directory(checkout.toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String output = read(process.getInputStream());
            assertTrue(process.waitFor(300, TimeUnit.SECONDS), "it ended");
            assertEquals(0, process.exitValue(), args + ": " + output);
            assertFalse(output.contains("unmappable character"), output);
            if (args.contains("--version")) {
                assertTrue(output.contains(OcsPkceLogin.VERSION + " (Java 17"), output);
            }
        }
    }

    /** A HOME that is read-only (or missing): the launcher says so, and what to set, in one line (issue 21). */
    @Test
    void aReadOnlyHomeIsSaidWithWhatToSet() throws Exception {
        Path checkout = checkout();
        Path home = Files.createDirectories(work.resolve("read-only-home"));
        assertEquals(0, new ProcessBuilder("chattr", "+i", home.toString()).start().waitFor(), "read-only, even for root");
        try {
            Process process = new ProcessBuilder("env", "-i", "PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + home,
                    checkout.resolve("jbang").toString(), "OcsPkceLogin.java", "--version").directory(checkout.toFile())
                    .redirectErrorStream(true).start();
            String output = read(process.getInputStream());
            assertTrue(process.waitFor(60, TimeUnit.SECONDS));
            assertEquals(17, process.exitValue(), output);
            assertEquals("jbang: cannot make the cache folder " + home + "/.cache/ocs-pkce-login: " + home + "/.cache cannot be made or"
                    + " written (is HOME, " + home + ", missing or read-only?). Set XDG_CACHE_HOME to a folder you can write.\n", output);
        } finally {
            new ProcessBuilder("chattr", "-i", home.toString()).start().waitFor();
        }
    }
}
