///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS com.konghq:unirest-java-core:4.10.1
//DEPS org.json:json:20260814
//SOURCES cli/IniFile.java login/LoginException.java login/Urls.java system/Http.java system/HttpFailures.java system/Tls.java
//SOURCES system/CaFile.java system/SelectorStop.java system/Proxies.java system/Log.java system/PrivateFolder.java system/UserFolders.java
//SOURCES system/ChildProcess.java
//FILES ocs-pkce-demo-realm.json=keycloak/ocs-pkce-demo-realm.json
//FILES demo.ini=keycloak/demo.ini

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A real Keycloak on loopback that stands in for OCS: for {@code --demo}, the end-to-end tests and
 * the benchmark. Its realm (built into the scripts from {@code keycloak/}) has a public client that
 * requires PKCE S256, one with 10 s tokens, one that asks for consent, a machine client, and a demo user.
 *
 * <p>Keycloak is fetched once from Maven Central with {@code mvn} into the user's cache folder,
 * built once for its options ({@code kc.sh build}), and from then on started optimized, on the
 * tool's own Java (with an AOT cache on Java 25 and later), with a database file per port, so that
 * sessions and keys survive a restart. As a script: {@code ./jbang LocalKeycloak.java start|stop|status}.
 */
public final class LocalKeycloak implements AutoCloseable {

    public static final String VERSION = "26.7.3";
    /** The build's options (kc.sh build); a change means a new build. */
    private static final List<String> BUILD_OPTIONS = List.of("--db=dev-file", "--cache=local", "--health-enabled=false", "--metrics-enabled=false");
    private static final Duration START_LIMIT = Duration.ofMinutes(4);
    /** How long the demo's Keycloak stays up after its last use, unless OCS_LOGIN_DEMO_IDLE_SECONDS says otherwise. */
    static final Duration DEMO_IDLE = Duration.ofMinutes(30);

    /** How long a Keycloak started now lives. */
    public enum Lifetime {
        /** Stopped when this run closes it (the tests). */
        THIS_RUN,
        /** Stays up for the next runs, until it has not been used for {@link #DEMO_IDLE} (the demo). */
        WHILE_USED,
        /** Stays up until {@code LocalKeycloak.java stop} (the benchmark, a warm demo). */
        UNTIL_STOPPED
    }

    private final URI issuer;
    private final ProcessHandle process;
    private final Consumer<String> progress;

    private LocalKeycloak(URI issuer, ProcessHandle process, Consumer<String> progress) {
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

    /** The same, for a Keycloak that stops with this run when it starts it. */
    public static LocalKeycloak ensureRunning(URI issuer, Consumer<String> progress, List<String> options) throws LoginException {
        return ensureRunning(issuer, progress, options, Lifetime.THIS_RUN);
    }

    /**
     * Returns a Keycloak that serves the realm of {@code issuer}: the one already running (or still
     * starting, from an earlier run), or one started now for {@code lifetime}, fetched and built first
     * if needed. A lock file keeps two runs from starting two at once. A port that another program
     * holds is said at once, before anything slow.
     */
    public static LocalKeycloak ensureRunning(URI issuer, Consumer<String> progress, List<String> options, Lifetime lifetime)
            throws LoginException {
        Path cache = cacheFolder();
        checkPrivate(cache);
        Path home = cache.resolve("keycloak-" + VERSION);
        try (FileChannel lockFile = FileChannel.open(cache.resolve("keycloak.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = lockFile.lock()) {
            if (lifetime == Lifetime.WHILE_USED) {
                markUsed(home, issuer); // first: one that has been idle for just that long is not stopped under this run
            }
            LocalKeycloak keycloak = serve(home, issuer, progress, options, lifetime);
            if (lifetime == Lifetime.WHILE_USED) {
                markUsed(home, issuer); // and once it answers: a first start alone can take longer than a short idle time
            }
            return keycloak;
        } catch (IOException e) {
            throw failed("Could not prepare Keycloak in " + cache + ": " + e, e);
        }
    }

    /** The one that runs (or is still starting), else one fetched, built and started now. */
    private static LocalKeycloak serve(Path home, URI issuer, Consumer<String> progress, List<String> options, Lifetime lifetime)
            throws IOException, LoginException {
        boolean ours = processes(home, issuer).findAny().isPresent();
        if (!portIsFree(issuer.getPort()) && !ours && !answers(issuer)) {
            throw failed("Port " + issuer.getPort() + " is in use by another program, not by this project's Keycloak; stop that"
                    + " program, or run a Keycloak on another port: --authority http://127.0.0.1:PORT" + issuer.getPath(), null);
        }
        if (ours && !answers(issuer)) {
            progress.accept("A Keycloak started earlier is still starting; waiting for it");
            awaitAnswer(issuer, null, home, progress);
        }
        if (answers(issuer)) {
            progress.accept("Using the Keycloak already running at " + issuer);
            return new LocalKeycloak(issuer, null, progress);
        }
        build(fetch(home, progress), progress);
        return start(home, issuer, progress, options, lifetime);
    }

    public URI issuer() {
        return issuer;
    }

    /** Stops Keycloak if this run started it for itself; one that was running already, or that stays, is left alone. */
    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            progress.accept("Stopping the local Keycloak");
            stop(Stream.concat(Stream.of(process), process.descendants()));
        }
    }

    private static LocalKeycloak start(Path home, URI issuer, Consumer<String> progress, List<String> options, Lifetime lifetime)
            throws IOException, LoginException {
        String realm = Path.of(issuer.getPath()).getFileName().toString();
        Path data = home.resolve("data").resolve("h2-" + issuer.getPort());
        resetIfTheRealmChanged(home, data, issuer);
        Path imports = Files.createDirectories(home.resolve("data").resolve("import"));
        try (InputStream realmFile = LocalKeycloak.class.getResourceAsStream("/ocs-pkce-demo-realm.json")) {
            Files.copy(realmFile, imports.resolve(realm + "-realm.json"), StandardCopyOption.REPLACE_EXISTING);
        }
        boolean windows = System.getProperty("os.name").startsWith("Windows");
        String origin = issuer.getScheme() + "://" + issuer.getHost() + ":" + issuer.getPort();
        progress.accept("Starting Keycloak " + VERSION + " at " + origin + " (log: " + log(home, issuer) + ")");
        List<String> command = new ArrayList<>();
        if (lifetime != Lifetime.THIS_RUN && !windows && onPath("setsid")) {
            command.add("setsid"); // its own session: a Ctrl-C in this terminal, or its end, does not reach it
        }
        command.addAll(List.of(home.resolve("bin").resolve(windows ? "kc.bat" : "kc.sh").toString(), "start", "--optimized",
                // No fixed hostname: the issuer is the address a request came to (the tests reach it by http and by https).
                "--http-enabled=true", "--http-host=" + issuer.getHost(), "--http-port=" + issuer.getPort(), "--hostname-strict=false",
                "--db-url=jdbc:h2:file:" + data.resolve("keycloakdb") + ";NON_KEYWORDS=VALUE;DB_CLOSE_ON_EXIT=FALSE", "--import-realm",
                // each token request as a line in the log (type="CODE_TO_TOKEN", "REFRESH_TOKEN"...), for the tests to count
                "--log-level=INFO,org.keycloak.events:DEBUG"));
        command.addAll(options);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log(home, issuer).toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File(windows ? "NUL" : "/dev/null")));
        onThisJava(builder, home);
        Process process = builder.start();
        if (lifetime == Lifetime.WHILE_USED && !windows) {
            watch(process.pid(), home, issuer); // from now: a run cancelled while Keycloak starts leaves none behind for ever
        }
        LocalKeycloak keycloak = new LocalKeycloak(issuer, lifetime == Lifetime.THIS_RUN ? process.toHandle() : null, progress);
        try {
            awaitAnswer(issuer, process, home, progress);
        } catch (LoginException e) {
            new LocalKeycloak(issuer, process.toHandle(), progress).close();
            throw e;
        }
        return keycloak;
    }

    /**
     * Keycloak runs on the tool's own Java (which the launcher chose: the newest trusted 25+ when
     * there is one), C1 only, which starts a 2-core machine's Keycloak in two thirds of the time; on
     * Java 25 and later with an AOT cache (JEP 483), recorded by the first run and used by the next.
     */
    private static void onThisJava(ProcessBuilder builder, Path home) {
        Path javaHome = Path.of(System.getProperty("java.home"));
        if (Files.isExecutable(javaHome.resolve("bin").resolve("java"))) {
            builder.environment().put("JAVA_HOME", javaHome.toString());
        }
        String options = "-XX:TieredStopAtLevel=1";
        if (Runtime.version().feature() >= 25) {
            Path aot = home.resolve("aot-java-" + Runtime.version() + ".aot");
            options += Files.isRegularFile(aot) ? " -XX:AOTCache=" + aot : " -XX:AOTCacheOutput=" + aot;
        }
        builder.environment().put("JAVA_OPTS_APPEND", options);
        ChildProcess.withoutSecrets(builder);
    }

    /** {@code kc.sh build}, once for these options: Keycloak's own preparation for them, about 20 s. */
    private static void build(Path home, Consumer<String> progress) throws IOException, LoginException {
        Path marker = home.resolve(".built-for");
        String options = String.join(" ", BUILD_OPTIONS);
        if (Files.isRegularFile(marker) && Files.readString(marker).strip().equals(options)) {
            return;
        }
        boolean windows = System.getProperty("os.name").startsWith("Windows");
        progress.accept("Building Keycloak for its options, once (about 20 s on 2 cores); later starts are shorter");
        List<String> command = new ArrayList<>(List.of(home.resolve("bin").resolve(windows ? "kc.bat" : "kc.sh").toString(), "build"));
        command.addAll(BUILD_OPTIONS);
        Path log = home.getParent().resolve("keycloak-build.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File(windows ? "NUL" : "/dev/null")));
        builder.environment().put("JAVA_OPTS_APPEND", "-XX:TieredStopAtLevel=1");
        Path javaHome = Path.of(System.getProperty("java.home"));
        if (Files.isExecutable(javaHome.resolve("bin").resolve("java"))) {
            builder.environment().put("JAVA_HOME", javaHome.toString());
        }
        Process build = ChildProcess.withoutSecrets(builder).start();
        if (!waitWithProgress(build, progress, "building", () -> "") || build.exitValue() != 0) {
            throw failed("kc.sh build failed; see " + log, null);
        }
        Files.writeString(marker, options + "\n");
    }

    /**
     * The database of a port is made anew when the realm file changed since it was imported (Keycloak
     * imports a realm only into a database that does not have it yet).
     */
    private static void resetIfTheRealmChanged(Path home, Path data, URI issuer) throws IOException {
        byte[] realm;
        try (InputStream in = LocalKeycloak.class.getResourceAsStream("/ocs-pkce-demo-realm.json")) {
            realm = in.readAllBytes();
        }
        String hash;
        try {
            hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(realm));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
        Path imported = data.resolve("realm.sha256");
        if (Files.isRegularFile(imported) && Files.readString(imported).strip().equals(hash)) {
            return;
        }
        if (Files.isDirectory(data)) {
            try (Stream<Path> files = Files.walk(data)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
        Files.createDirectories(data);
        Files.writeString(imported, hash + "\n");
    }

    /** The last use of the demo's Keycloak on {@code issuer}'s port, which its watchdog reads. */
    private static Path usedFile(Path home, URI issuer) {
        return home.getParent().resolve("keycloak-" + issuer.getPort() + ".used");
    }

    /** Now is the last use, which the watchdog reads. */
    private static void markUsed(Path home, URI issuer) throws IOException {
        Files.writeString(usedFile(home, issuer), Instant.now().getEpochSecond() + "\n");
    }

    /**
     * A small watchdog in its own session (POSIX sh): it stops this Keycloak once it has not been
     * used for {@link #DEMO_IDLE}, and ends with it.
     */
    private static void watch(long pid, Path home, URI issuer) throws IOException {
        long idle = idleSeconds();
        String script = "pid=$1; used=$2; idle=$3; while kill -0 \"$pid\" 2>/dev/null; do sleep 5;"
                + " last=$(cat \"$used\" 2>/dev/null || echo 0); now=$(date +%s);"
                + " if [ $((now - last)) -gt \"$idle\" ]; then kill -TERM \"$pid\"; fi; done"; // kc.sh hands TERM on to Keycloak
        List<String> command = new ArrayList<>();
        if (onPath("setsid")) {
            command.add("setsid");
        }
        command.addAll(List.of("sh", "-c", script, "keycloak-watchdog", String.valueOf(pid), usedFile(home, issuer).toString(),
                String.valueOf(idle)));
        ChildProcess.withoutSecrets(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))).start();
    }

    /** How long the demo's Keycloak stays after its last use, in words: "30 min", "15 s". */
    static String idleTime() {
        long seconds = idleSeconds();
        return seconds % 60 == 0 ? seconds / 60 + " min" : seconds + " s";
    }

    /** {@code OCS_LOGIN_DEMO_IDLE_SECONDS}, else {@link #DEMO_IDLE}. */
    static long idleSeconds() {
        try {
            return Math.max(1, Long.parseLong(System.getenv().getOrDefault("OCS_LOGIN_DEMO_IDLE_SECONDS", "").strip()));
        } catch (NumberFormatException e) {
            return DEMO_IDLE.toSeconds();
        }
    }

    /** Waits, showing progress, until the realm answers; fails when Keycloak stops or takes too long. */
    private static void awaitAnswer(URI issuer, Process process, Path home, Consumer<String> progress) throws LoginException {
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
            if (seconds - lastReport >= 5) {
                lastReport = seconds;
                progress.accept("  ... still starting (" + seconds + " s)");
            }
            sleep(250);
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
                .filter(process -> process.info().commandLine().map(line -> line.contains(marker) && !line.contains("keycloak-watchdog"))
                        .orElse(false));
    }

    /** Unpacks org.keycloak:keycloak-quarkus-dist:VERSION:zip with Maven, once, into {@code home}, saying how far it got. */
    private static Path fetch(Path home, Consumer<String> progress) throws IOException, LoginException {
        Path cache = home.getParent();
        if (Files.isRegularFile(home.resolve("bin").resolve("kc.sh"))) {
            return home;
        }
        progress.accept("Fetching Keycloak " + VERSION + " (about 170 MB) from Maven Central with mvn; this happens once");
        Path unpacking = Files.createTempDirectory(cache, "unpacking-");
        boolean windows = System.getProperty("os.name").startsWith("Windows");
        Process mvn;
        try {
            mvn = ChildProcess.withoutSecrets(new ProcessBuilder(windows ? "mvn.cmd" : "mvn", "-q", "-B", "dependency:unpack",
                    "-Dartifact=org.keycloak:keycloak-quarkus-dist:" + VERSION + ":zip", "-DoutputDirectory=" + unpacking)
                    .directory(unpacking.toFile()) // Maven leaves a marker folder in its working folder
                    .redirectErrorStream(true)
                    .redirectOutput(cache.resolve("mvn.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw failed("Keycloak is not in " + cache + " yet, and Maven (mvn) is needed to fetch it: " + e.getMessage(), e);
        }
        // Maven downloads into its local repository, Maven's own ~/.m2 (user.home, as Maven has it): its size is the progress.
        Path download = Path.of(System.getProperty("user.home"), ".m2", "repository", "org", "keycloak", "keycloak-quarkus-dist", VERSION);
        if (!waitWithProgress(mvn, progress, "fetching", () -> ", " + megabytes(download) + " of about 170 MB") || mvn.exitValue() != 0) {
            throw failed("mvn could not fetch Keycloak " + VERSION + "; see " + cache.resolve("mvn.log"), null);
        }
        Files.move(unpacking.resolve("keycloak-" + VERSION), home, StandardCopyOption.ATOMIC_MOVE);
        try (var leftovers = Files.walk(unpacking)) {
            leftovers.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        return home;
    }

    /** Waits for {@code process}, a line every 5 s saying what it is doing; false when interrupted. */
    private static boolean waitWithProgress(Process process, Consumer<String> progress, String doing,
            java.util.function.Supplier<String> sofar) {
        long started = System.nanoTime();
        try {
            while (!process.waitFor(5, TimeUnit.SECONDS)) {
                progress.accept("  ... still " + doing + " (" + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + " s"
                        + sofar.get() + ")");
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
            return false;
        }
    }

    private static long megabytes(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.mapToLong(file -> file.toFile().length()).sum() / (1024 * 1024);
        } catch (IOException | UncheckedIOException notYet) {
            return 0;
        }
    }

    /** Whether the realm's discovery document answers: Keycloak is up, with our realm imported. */
    static boolean answers(URI issuer) {
        try (Http http = new Http(Duration.ofSeconds(2), Duration.ofSeconds(3))) {
            return http.get(Urls.discoveryUrl(issuer), "discovery document").status() == 200;
        } catch (LoginException e) {
            return false;
        }
    }

    /** Whether nothing listens on {@code port} on 127.0.0.1. */
    static boolean portIsFree(int port) {
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(folder -> !folder.isEmpty() && Files.isExecutable(Path.of(folder, command)));
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
                ensureRunning(issuer, System.err::println, List.of(), Lifetime.UNTIL_STOPPED);
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
