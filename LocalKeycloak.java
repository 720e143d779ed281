///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS com.konghq:unirest-java-core:4.10.1
//DEPS org.json:json:20260814
//SOURCES cli/IniFile.java login/LoginException.java login/Urls.java system/Http.java system/HttpFailures.java system/Tls.java
//SOURCES system/CaFile.java system/SelectorStop.java system/Proxies.java system/Log.java system/PrivateFolder.java system/UserFolders.java
//FILES ocs-pkce-demo-realm.json=keycloak/ocs-pkce-demo-realm.json
//FILES demo.ini=keycloak/demo.ini

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A real Keycloak on loopback that stands in for OCS: for {@code --demo}, the end-to-end tests and
 * the benchmark. Its realm (built into the scripts from {@code keycloak/}) has a public client that
 * requires PKCE S256, a second one that asks for consent, and a demo user.
 *
 * <p>Keycloak is fetched once from Maven Central with {@code mvn} into a user cache folder, runs from
 * there with an in-memory database (so no two runs share an H2 file), and is reused when it already
 * answers. As a script: {@code ./jbang LocalKeycloak.java start|stop|status}.
 */
public final class LocalKeycloak implements AutoCloseable {

    public static final String VERSION = "26.7.3";
    /** A file in Keycloak's folder after its first start, which builds Keycloak for its options and takes longer. */
    private static final String STARTED_BEFORE = ".started-before";
    private static final Duration START_LIMIT = Duration.ofMinutes(4);

    private final URI issuer;
    private final Process process;
    private final Consumer<String> progress;

    private LocalKeycloak(URI issuer, Process process, Consumer<String> progress) {
        this.issuer = issuer;
        this.process = process;
        this.progress = progress;
    }

    /** The built-in {@code keycloak/demo.ini}: the matching [Configuration] and the demo user in [Test]. */
    public static IniFile demoIni() throws LoginException {
        return IniFile.parse("the built-in demo.ini (keycloak/demo.ini)", resourceLines("/demo.ini"));
    }

    /** The demo user of [Test]: username and password. */
    public static Map<String, String> demoUser() throws LoginException {
        Map<String, String> user = new java.util.HashMap<>();
        demoIni().section("Test").values().forEach((key, value) -> user.put(key, value.value()));
        return user;
    }

    /** The issuer of the demo realm, from demo.ini's Authority: its host, port and realm name say where Keycloak runs. */
    public static URI demoIssuer() throws LoginException {
        return URI.create(demoIni().section("Configuration").get("Authority").orElseThrow().value());
    }

    /**
     * Returns a Keycloak that serves the realm of {@code issuer}: the one already running (or still
     * starting, from an earlier run), or one started now, the distribution fetched first if needed.
     * A lock file keeps two runs from starting two at once.
     */
    public static LocalKeycloak ensureRunning(URI issuer, Consumer<String> progress) throws LoginException {
        return ensureRunning(issuer, progress, List.of());
    }

    /** The same, with {@code options} for a Keycloak started now (the tests add an https listener). */
    public static LocalKeycloak ensureRunning(URI issuer, Consumer<String> progress, List<String> options) throws LoginException {
        Path cache = cacheFolder();
        checkPrivate(cache);
        try {
            try (FileChannel lockFile = FileChannel.open(cache.resolve("keycloak.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock ignored = lockFile.lock()) {
                Path home = cache.resolve("keycloak-" + VERSION);
                if (!answers(issuer) && processes(home, issuer).findAny().isPresent()) {
                    progress.accept("A Keycloak started earlier is still starting; waiting for it");
                    awaitAnswer(issuer, null, home, progress, false);
                }
                if (answers(issuer)) {
                    progress.accept("Using the Keycloak already running at " + issuer);
                    return new LocalKeycloak(issuer, null, progress);
                }
                return start(fetchDistribution(home, progress), issuer, progress, options);
            }
        } catch (IOException e) {
            throw failed("Could not prepare Keycloak in " + cache + ": " + e, e);
        }
    }

    public URI issuer() {
        return issuer;
    }

    /** Stops Keycloak if this run started it; one that was already running is left alone. */
    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            progress.accept("Stopping the local Keycloak");
            stop(Stream.concat(Stream.of(process.toHandle()), process.descendants()));
        }
    }

    private static LocalKeycloak start(Path home, URI issuer, Consumer<String> progress, List<String> options)
            throws IOException, LoginException {
        String realm = Path.of(issuer.getPath()).getFileName().toString();
        Path imports = Files.createDirectories(home.resolve("data").resolve("import"));
        try (InputStream realmFile = LocalKeycloak.class.getResourceAsStream("/ocs-pkce-demo-realm.json")) {
            Files.copy(realmFile, imports.resolve(realm + "-realm.json"), StandardCopyOption.REPLACE_EXISTING);
        }
        boolean windows = System.getProperty("os.name").startsWith("Windows");
        String origin = issuer.getScheme() + "://" + issuer.getHost() + ":" + issuer.getPort();
        progress.accept("Starting Keycloak " + VERSION + " at " + origin + " (log: " + log(home, issuer) + ")");
        List<String> command = new java.util.ArrayList<>(List.of(home.resolve("bin").resolve(windows ? "kc.bat" : "kc.sh").toString(),
                // No --hostname: the issuer is the address a request came to (the tests reach it by http and by https).
                "start-dev", "--http-host=" + issuer.getHost(), "--http-port=" + issuer.getPort(),
                "--db=dev-mem", "--import-realm", "--health-enabled=false", "--metrics-enabled=false",
                // each token request as a line in the log (type="CODE_TO_TOKEN", "REFRESH_TOKEN"...), for the tests to count
                "--log-level=INFO,org.keycloak.events:DEBUG"));
        command.addAll(options);
        boolean firstStart = !Files.exists(home.resolve(STARTED_BEFORE));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log(home, issuer).toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        LocalKeycloak keycloak = new LocalKeycloak(issuer, process, progress);
        try {
            awaitAnswer(issuer, process, home, progress, firstStart);
            Files.writeString(home.resolve(STARTED_BEFORE), "Keycloak has started from this folder before: later starts are shorter\n");
        } catch (LoginException e) {
            keycloak.close();
            throw e;
        }
        return keycloak;
    }

    /** Waits, showing progress, until the realm answers; fails when Keycloak stops or takes too long. */
    private static void awaitAnswer(URI issuer, Process process, Path home, Consumer<String> progress, boolean firstStart)
            throws LoginException {
        long started = System.nanoTime();
        long lastReport = 0;
        while (!answers(issuer)) {
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            if (process != null ? !process.isAlive() : processes(home, issuer).findAny().isEmpty()) {
                throw failed("Keycloak stopped while starting; see its log " + log(home, issuer), null);
            }
            if (seconds > START_LIMIT.toSeconds()) {
                throw failed("Keycloak did not answer within " + START_LIMIT.toSeconds() + " s; see its log " + log(home, issuer), null);
            }
            if (seconds - lastReport >= 10) {
                lastReport = seconds;
                progress.accept("  ... still starting (" + seconds + " s" + (firstStart ? "; the first start takes longer" : "") + ")");
            }
            sleep(500);
        }
        progress.accept("Keycloak is ready after " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + " s");
    }

    /** The demo Keycloak's log: its output, with an event line for each token request. */
    static Path log() throws LoginException {
        return log(cacheFolder().resolve("keycloak-" + VERSION), demoIssuer());
    }

    /** One log per port: a second Keycloak (another port) never writes over the first one's log. */
    private static Path log(Path home, URI issuer) {
        return home.getParent().resolve("keycloak-" + issuer.getPort() + ".log");
    }

    /** The processes of the Keycloak in {@code home} that serves {@code issuer}'s port (kc.sh and its JVM). */
    static Stream<ProcessHandle> processes(Path home, URI issuer) {
        String port = "--http-port=" + issuer.getPort();
        return processes(home).filter(process -> process.info().commandLine().map(line -> line.contains(port)).orElse(false));
    }

    /** The processes of every Keycloak in {@code home} (kc.sh and its JVM), whoever started them. */
    static Stream<ProcessHandle> processes(Path home) {
        String marker = home.toString();
        return ProcessHandle.allProcesses()
                .filter(process -> process.info().commandLine().map(line -> line.contains(marker)).orElse(false));
    }

    /** Unpacks org.keycloak:keycloak-quarkus-dist:VERSION:zip with Maven, once, into {@code home}. */
    private static Path fetchDistribution(Path home, Consumer<String> progress) throws IOException, LoginException {
        Path cache = home.getParent();
        if (Files.isRegularFile(home.resolve("bin").resolve("kc.sh"))) {
            return home;
        }
        progress.accept("Fetching Keycloak " + VERSION + " (about 170 MB) from Maven Central with mvn; this happens once");
        Path unpacking = Files.createTempDirectory(cache, "unpacking-");
        boolean windows = System.getProperty("os.name").startsWith("Windows");
        Process mvn;
        try {
            mvn = new ProcessBuilder(windows ? "mvn.cmd" : "mvn", "-q", "-B", "dependency:unpack",
                    "-Dartifact=org.keycloak:keycloak-quarkus-dist:" + VERSION + ":zip", "-DoutputDirectory=" + unpacking)
                    .directory(unpacking.toFile()) // Maven leaves a marker folder in its working folder
                    .redirectErrorStream(true)
                    .redirectOutput(cache.resolve("mvn.log").toFile())
                    .start();
        } catch (IOException e) {
            throw failed("Keycloak is not in " + cache + " yet, and Maven (mvn) is needed to fetch it: " + e.getMessage(), e);
        }
        try {
            if (mvn.waitFor() != 0) {
                throw failed("mvn could not fetch Keycloak " + VERSION + "; see " + cache.resolve("mvn.log"), null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            mvn.destroy();
            throw failed("Interrupted while fetching Keycloak", e);
        }
        Files.move(unpacking.resolve("keycloak-" + VERSION), home, StandardCopyOption.ATOMIC_MOVE);
        try (var leftovers = Files.walk(unpacking)) {
            leftovers.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        return home;
    }

    /** Whether the realm's discovery document answers: Keycloak is up, with our realm imported. */
    static boolean answers(URI issuer) {
        try (Http http = new Http(Duration.ofSeconds(2), Duration.ofSeconds(5))) {
            return http.get(Urls.discoveryUrl(issuer), "discovery document").status() == 200;
        } catch (LoginException e) {
            return false;
        }
    }

    static Path cacheFolder() {
        return UserFolders.ofThisProcess().cacheRoot();
    }

    /** The cache root passes the rule of {@link PrivateFolder}: Keycloak runs from it, so nobody else may change it. */
    private static void checkPrivate(Path cache) throws LoginException {
        try (PrivateFolder checked = PrivateFolder.open(cache)) {
            // opened and checked; Keycloak's folder is made in it, by this user
        } catch (PrivateFolder.Unsafe e) {
            throw new LoginException(LoginException.Exit.CACHE_FAILED, "Keycloak is not started from " + cache + ": "
                    + e.getMessage() + "; that folder must be yours alone (or set XDG_CACHE_HOME to a folder of your own)");
        } catch (IOException e) {
            throw failed("Could not prepare Keycloak in " + cache + ": " + e, e);
        }
    }

    /** Asks the processes to stop (Keycloak shuts down cleanly on SIGTERM), and kills what is left after 30 s. */
    private static void stop(Stream<ProcessHandle> keycloak) {
        List<ProcessHandle> processes = keycloak.toList();
        processes.forEach(ProcessHandle::destroy);
        for (ProcessHandle process : processes) {
            try {
                process.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                process.destroyForcibly();
            }
        }
    }

    private static List<String> resourceLines(String name) {
        try (InputStream in = LocalKeycloak.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static LoginException failed(String message, Throwable cause) {
        return new LoginException(LoginException.Exit.KEYCLOAK_FAILED, message, cause);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code status}: says whether Keycloak serves {@code issuer}; 0 when it does, 3 when not (as service scripts do). */
    static int status(URI issuer) {
        boolean serves = answers(issuer);
        System.err.println(serves ? "Keycloak serves " + issuer : "No Keycloak answers at " + issuer);
        return serves ? 0 : 3;
    }

    /** {@code start} leaves Keycloak running (for the benchmark, or a warm demo); {@code stop} ends it; {@code status} tells. */
    public static void main(String... args) throws Exception {
        String command = args.length == 0 ? "status" : args[0];
        URI issuer = demoIssuer();
        switch (command) {
            case "start" -> {
                ensureRunning(issuer, System.err::println);
                System.err.println("Keycloak serves " + issuer + "; stop it with: ./jbang LocalKeycloak.java stop");
            }
            case "stop" -> {
                List<ProcessHandle> running = processes(cacheFolder().resolve("keycloak-" + VERSION)).toList();
                stop(running.stream());
                System.err.println(running.isEmpty() ? "No Keycloak of these scripts is running" : "Keycloak stopped");
            }
            case "status" -> System.exit(status(issuer));
            default -> {
                System.err.println("usage: LocalKeycloak.java start|stop|status");
                System.exit(2);
            }
        }
    }
}
