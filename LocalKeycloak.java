///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVAC_OPTIONS -encoding UTF-8
//DEPS com.konghq:unirest-java-core:4.10.1
//DEPS org.json:json:20260814
//SOURCES system/CaFile.java system/ChildProcess.java system/Http.java system/HttpFailure.java system/HttpFailures.java
//SOURCES system/IniFile.java system/Log.java system/PortOwner.java system/PrivateFolder.java system/Proxies.java
//SOURCES system/SelectorStop.java system/Tls.java system/Urls.java system/UserFolders.java
//FILES ocs-pkce-demo-realm.json=keycloak/ocs-pkce-demo-realm.json
//FILES demo.ini=keycloak/demo.ini

package keycloak;

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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import system.ChildProcess;
import system.Http;
import system.HttpFailure;
import system.IniFile;
import system.PortOwner;
import system.PrivateFolder;
import system.UserFolders;
import system.Urls;

/**
 * A real Keycloak on loopback that stands in for OCS: for {@code --demo}, the end-to-end tests and
 * the benchmark. Its realm (built into the scripts from {@code keycloak/}) has a public client that
 * requires PKCE S256, one with 10 s tokens, one that asks for consent, a machine client, and a demo user.
 *
 * <p>Keycloak is fetched once from Maven Central with {@code mvn} into the user's cache folder,
 * built once for its options ({@code kc.sh build}), and from then on started optimized, on the
 * tool's own Java (with an AOT cache on Java 25 and later), with a database file per port, so that
 * sessions and keys survive a restart. As a script: {@code ./jbang LocalKeycloak.java start|stop|status}.
 * (The {@code keycloak} package, whose realm and demo.ini are in the folder of that name; this file
 * is at the top of the repository, as the script it also is.)
 */
public final class LocalKeycloak {

    /** Why the local Keycloak could not be had: fetched, built, started, or its port or folder is not this user's. */
    public static final class Failed extends Exception {
        Failed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static final String VERSION = "26.7.3";
    /** The build's options (kc.sh build); a change means a new build. */
    private static final List<String> BUILD_OPTIONS = List.of("--db=dev-file", "--health-enabled=false", "--metrics-enabled=false");
    /**
     * Options of every start: a cache of its own, no cluster. {@code --cache} is a run-time option in
     * Keycloak 26; without it Keycloak starts JGroups, listening on the host's network address.
     */
    private static final List<String> RUN_OPTIONS = List.of("--cache=local");
    /**
     * The demo's own administrator, made by the first start of each database (Keycloak's bootstrap
     * admin), with a random password kept in the private cache folder: so that no other local user
     * can make themselves admin on the welcome page, and so that a run can prove that the Keycloak
     * answering on its port is this user's own.
     */
    static final String ADMIN = "ocs-pkce-login-admin";
    /** The file in the cache folder that holds {@link #ADMIN}'s password. */
    private static final String ADMIN_PASSWORD_FILE = "keycloak-admin-password";
    /** How long a stop may take: the first stop after a start on Java 25 or later writes the AOT cache (about 200 MB). */
    private static final Duration STOP_LIMIT = Duration.ofMinutes(5);
    private static final Duration START_LIMIT = Duration.ofMinutes(4);
    /** How long the demo's Keycloak stays up after its last use, unless OCS_LOGIN_DEMO_IDLE_SECONDS says otherwise. */
    static final Duration DEMO_IDLE = Duration.ofMinutes(30);
    /** The environment variable that changes {@link #DEMO_IDLE}. */
    public static final String IDLE_VARIABLE = "OCS_LOGIN_DEMO_IDLE_SECONDS";

    /** How long a Keycloak started now lives. */
    public enum Lifetime {
        /** Stays up for the next runs, until it has not been used for {@link #DEMO_IDLE} (the demo). */
        WHILE_USED,
        /** Stays up until {@code LocalKeycloak.java stop} or {@link #stop} (the benchmark, the tests, a warm demo). */
        UNTIL_STOPPED
    }

    private final URI issuer;

    private LocalKeycloak(URI issuer) {
        this.issuer = issuer;
    }

    /** The built-in {@code keycloak/demo.ini}'s lines: the matching [Configuration] and the demo user in [Test]. */
    public static List<String> demoIni() {
        return resourceLines("/demo.ini");
    }

    /** The issuer of the demo realm, from demo.ini's Authority: its host, port and realm name say where Keycloak runs. */
    public static URI demoIssuer() {
        try {
            return URI.create(IniFile.parse("demo.ini", demoIni()).section("Configuration").get("Authority").orElseThrow().value());
        } catch (IniFile.Unreadable e) {
            throw new IllegalStateException("the built-in demo.ini does not parse: " + e.getMessage(), e);
        }
    }

    /**
     * Returns a Keycloak that serves the realm of {@code issuer}: the one already running (or still
     * starting, from an earlier run), or one started now for {@code lifetime}, fetched and built first
     * if needed. A lock file keeps two runs from starting two at once. A port that another program
     * holds is said at once, before anything slow.
     */
    public static LocalKeycloak ensureRunning(URI issuer, Consumer<String> progress, List<String> options, Lifetime lifetime)
            throws Failed {
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

    /**
     * The one that runs (or is still starting), else one fetched, built and started now. A Keycloak
     * that answers is used only when this user's own program listens on its port, as the kernel says
     * ({@link PortOwner}): what answers there is never asked to prove it, which would hand it a
     * secret. Another user's program on the port is said, and never used.
     */
    private static LocalKeycloak serve(Path home, URI issuer, Consumer<String> progress, List<String> options, Lifetime lifetime)
            throws IOException, Failed {
        char[] password = adminPassword(home.getParent());
        List<ProcessHandle> ours = mine(processes(home, issuer)).toList();
        if (!ours.isEmpty() && !answers(issuer)) {
            progress.accept("A Keycloak started earlier is still starting; waiting for it");
            awaitAnswer(issuer, null, home, progress);
        }
        PortOwner.Owner owner = PortOwner.of127(issuer.getPort());
        if (answers(issuer)) {
            if (owner != PortOwner.Owner.ME) {
                throw taken(issuer, owner == PortOwner.Owner.UNKNOWN ? "answers, but who listens on it cannot be told on this"
                        + " machine, so it is not used" : "answers, but not as your own Keycloak: another user's program listens on it");
            }
            if (ours.isEmpty() || isCurrent(database(home, issuer))) {
                progress.accept("Using the Keycloak already running at " + issuer);
                return new LocalKeycloak(issuer);
            }
            progress.accept("The Keycloak running at " + issuer + " was started with another realm file, or without an admin"
                    + " of yours (by an older version of these scripts): restarting it");
            stop(ours.stream(), progress);
        } else if (!portIsFree(issuer.getPort())) {
            throw taken(issuer, "is in use by another program" + (owner == PortOwner.Owner.ME ? " of yours" : owner
                    == PortOwner.Owner.ANOTHER ? ", another user's" : "") + ", not by your own Keycloak");
        }
        build(fetch(home, progress), progress);
        return start(home, issuer, progress, options, lifetime, password);
    }

    private static Failed taken(URI issuer, String what) {
        return failed("Port " + issuer.getPort() + " " + what + ". Stop that program, or run the demo's Keycloak on another"
                + " port: --authority http://127.0.0.1:PORT" + issuer.getPath(), null);
    }

    /**
     * The password of {@link #ADMIN}: random, made once, kept 0600 in the private cache folder (the
     * rule of {@link PrivateFolder}). Keycloak gets it in its environment, which only this user can read.
     */
    public static char[] adminPassword(Path cache) throws Failed {
        try (PrivateFolder folder = PrivateFolder.open(cache)) {
            java.util.Optional<PrivateFolder.Contents> kept = folder.read(ADMIN_PASSWORD_FILE, 256);
            if (kept.isPresent() && !kept.get().readableByOthers()) {
                String password = new String(kept.get().bytes(), StandardCharsets.US_ASCII).strip();
                if (password.matches("[A-Za-z0-9_-]{32,256}")) {
                    return password.toCharArray();
                }
            }
            byte[] random = new byte[32];
            new java.security.SecureRandom().nextBytes(random);
            String password = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            folder.write(ADMIN_PASSWORD_FILE, (password + "\n").getBytes(StandardCharsets.US_ASCII));
            return password.toCharArray();
        } catch (PrivateFolder.Unsafe e) {
            throw notPrivate(cache, e);
        } catch (IOException e) {
            throw failed("Could not prepare Keycloak in " + cache + ": " + e, e);
        }
    }

    private static Failed notPrivate(Path cache, PrivateFolder.Unsafe e) {
        return new Failed(e.refusing("Keycloak's folder " + cache, "set XDG_CACHE_HOME to a folder of your own"), e);
    }

    /**
     * Whether this user's Keycloak at {@code issuer}'s origin has {@link #ADMIN}: its master realm lets
     * it sign in with {@code password}. Asked only of a Keycloak this user's own program listens for
     * (the password in a POST body, never in a URL or a command line).
     */
    public static boolean provesOwn(URI issuer, char[] password) {
        URI token = URI.create(issuer.getScheme() + "://" + issuer.getRawAuthority() + "/realms/master/protocol/openid-connect/token");
        try (Http http = new Http(Duration.ofSeconds(2), Duration.ofSeconds(10))) {
            Map<String, Object> form = new java.util.LinkedHashMap<>();
            form.put("grant_type", "password");
            form.put("client_id", "admin-cli");
            form.put("username", ADMIN);
            form.put("password", new String(password));
            return http.post(token, form, Optional.empty(), "Keycloak's master realm").status() == 200;
        } catch (HttpFailure e) {
            return false;
        }
    }

    /** The processes of {@code processes} that are this user's. */
    private static Stream<ProcessHandle> mine(Stream<ProcessHandle> processes) {
        String me = System.getProperty("user.name");
        return processes.filter(process -> process.info().user().map(me::equals).orElse(false));
    }

    public URI issuer() {
        return issuer;
    }

    /**
     * Stops this user's Keycloaks of these scripts on {@code port} (on every port when it is empty),
     * saying so, and returns when they are gone.
     *
     * @return the processes found that are another user's, which are left alone
     */
    public static List<ProcessHandle> stop(Optional<Integer> port, Consumer<String> progress) {
        Path home = cacheFolder().resolve("keycloak-" + VERSION);
        List<ProcessHandle> running = port.isEmpty() ? processes(home).toList()
                : processes(home, URI.create("http://127.0.0.1:" + port.get())).toList();
        List<ProcessHandle> mine = mine(running.stream()).toList();
        if (running.isEmpty()) {
            progress.accept("No Keycloak of these scripts is running" + port.map(number -> " on port " + number).orElse(""));
        } else if (!mine.isEmpty() && !stop(mine.stream(), progress)) {
            progress.accept("Keycloak could not be asked to stop: it is not yours to signal");
        }
        return running.stream().filter(process -> !mine.contains(process)).toList();
    }

    private static LocalKeycloak start(Path home, URI issuer, Consumer<String> progress, List<String> options, Lifetime lifetime,
            char[] adminPassword) throws IOException, Failed {
        String realm = Path.of(issuer.getPath()).getFileName().toString();
        Path data = database(home, issuer);
        resetIfTheRealmChanged(home, data, issuer);
        Path imports = Files.createDirectories(home.resolve("data").resolve("import"));
        try (InputStream realmFile = LocalKeycloak.class.getResourceAsStream("/ocs-pkce-demo-realm.json")) {
            Files.copy(realmFile, imports.resolve(realm + "-realm.json"), StandardCopyOption.REPLACE_EXISTING);
        }
        boolean windows = System.getProperty("os.name").startsWith("Windows");
        String origin = issuer.getScheme() + "://" + issuer.getHost() + ":" + issuer.getPort();
        progress.accept("Starting Keycloak " + VERSION + " at " + origin + " (log: " + log(home, issuer) + ")");
        List<String> command = new ArrayList<>();
        if (!windows && onPath("setsid")) {
            command.add("setsid"); // its own session: a Ctrl-C in this terminal, or its end, does not reach it
        }
        command.addAll(List.of(home.resolve("bin").resolve(windows ? "kc.bat" : "kc.sh").toString(), "start", "--optimized",
                // No fixed hostname: the issuer is the address a request came to (the tests reach it by http and by https).
                "--http-enabled=true", "--http-host=" + issuer.getHost(), "--http-port=" + issuer.getPort(), "--hostname-strict=false",
                "--db-url=jdbc:h2:file:" + data.resolve("keycloakdb") + ";NON_KEYWORDS=VALUE;DB_CLOSE_ON_EXIT=FALSE", "--import-realm",
                // each token request as a line in the log (type="CODE_TO_TOKEN", "REFRESH_TOKEN"...), for the tests to count
                "--log-level=INFO,org.keycloak.events:DEBUG"));
        command.addAll(RUN_OPTIONS);
        command.addAll(options);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log(home, issuer).toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File(windows ? "NUL" : "/dev/null")));
        onThisJava(builder, home);
        // The first start of a database makes the admin; a process's environment is readable by its user alone.
        builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN);
        builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", new String(adminPassword));
        Process process = builder.start();
        if (lifetime == Lifetime.WHILE_USED && !windows) {
            watch(process.pid(), home, issuer); // from now: a run cancelled while Keycloak starts leaves none behind for ever
        }
        try {
            awaitAnswer(issuer, process, home, progress);
        } catch (Failed e) {
            stop(Stream.concat(Stream.of(process.toHandle()), process.descendants()), progress);
            throw e;
        }
        if (!provesOwn(issuer, adminPassword)) { // it is this process that answers: the port was free, and Keycloak took it
            stop(Stream.concat(Stream.of(process.toHandle()), process.descendants()), progress);
            throw failed("The Keycloak started at " + issuer + " did not make its admin (" + ADMIN + "); see its log " + log(home, issuer), null);
        }
        return new LocalKeycloak(issuer);
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
    private static void build(Path home, Consumer<String> progress) throws IOException, Failed {
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
     * imports a realm only into a database that does not have it yet), or when it was made without
     * {@link #ADMIN}.
     */
    private static void resetIfTheRealmChanged(Path home, Path data, URI issuer) throws IOException {
        if (isCurrent(data)) {
            return;
        }
        if (Files.isDirectory(data)) {
            try (Stream<Path> files = Files.walk(data)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
        Files.createDirectories(data);
        Files.writeString(data.resolve("realm.sha256"), databaseVersion() + "\n");
    }

    /** The database of {@code issuer}'s port, in {@code home}. */
    private static Path database(Path home, URI issuer) {
        return home.resolve("data").resolve("h2-" + issuer.getPort());
    }

    /** Whether the database in {@code data} was made from this realm file, with {@link #ADMIN}. */
    private static boolean isCurrent(Path data) throws IOException {
        Path imported = data.resolve("realm.sha256");
        return Files.isRegularFile(imported) && Files.readString(imported).strip().equals(databaseVersion());
    }

    /** What a database is made from: the realm file, and (since Keycloak makes it only with a new database) the admin. */
    private static String databaseVersion() throws IOException {
        try (InputStream in = LocalKeycloak.class.getResourceAsStream("/ocs-pkce-demo-realm.json")) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(in.readAllBytes());
            return HexFormat.of().formatHex(digest.digest(("\nbootstrap admin " + ADMIN).getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
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
    public static String idleTime() {
        long seconds = idleSeconds();
        return seconds % 60 == 0 ? seconds / 60 + " min" : seconds + " s";
    }

    /** {@code OCS_LOGIN_DEMO_IDLE_SECONDS}, else {@link #DEMO_IDLE}. */
    public static long idleSeconds() {
        try {
            return Math.max(1, Long.parseLong(System.getenv().getOrDefault(IDLE_VARIABLE, "").strip()));
        } catch (NumberFormatException e) {
            return DEMO_IDLE.toSeconds();
        }
    }

    /** Waits, showing progress, until the realm answers; fails when Keycloak stops or takes too long. */
    private static void awaitAnswer(URI issuer, Process process, Path home, Consumer<String> progress) throws Failed {
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
    public static Path log() throws Failed {
        return log(cacheFolder().resolve("keycloak-" + VERSION), demoIssuer());
    }

    /** One log per port: a second Keycloak (another port) never writes over the first one's log. */
    private static Path log(Path home, URI issuer) {
        return home.getParent().resolve("keycloak-" + issuer.getPort() + ".log");
    }

    /** The processes of the Keycloak in {@code home} that serves {@code issuer}'s port (kc.sh and its JVM). */
    public static Stream<ProcessHandle> processes(Path home, URI issuer) {
        String port = "--http-port=" + issuer.getPort() + " ";
        return processes(home).filter(process -> process.info().commandLine().map(line -> line.contains(port)).orElse(false));
    }

    /** The processes of every Keycloak in {@code home} (kc.sh and its JVM), whoever started them. */
    public static Stream<ProcessHandle> processes(Path home) {
        String marker = home.toString();
        return ProcessHandle.allProcesses()
                .filter(process -> process.info().commandLine().map(line -> line.contains(marker) && !line.contains("keycloak-watchdog"))
                        .orElse(false));
    }

    /** Unpacks org.keycloak:keycloak-quarkus-dist:VERSION:zip with Maven, once, into {@code home}, saying how far it got. */
    private static Path fetch(Path home, Consumer<String> progress) throws IOException, Failed {
        Path cache = home.getParent();
        if (Files.isRegularFile(home.resolve("bin").resolve("kc.sh"))) {
            return home;
        }
        progress.accept("Fetching Keycloak " + VERSION + " (about " + FETCH_MEGABYTES + " MB, with Maven's own plugin) from Maven"
                + " Central with mvn; this happens once");
        Path unpacking = Files.createTempDirectory(cache, "unpacking-");
        boolean windows = System.getProperty("os.name").startsWith("Windows");
        Process mvn;
        try {
            // Not -q: the log says what was downloaded and how much ("Downloaded from central: ... (12 kB at ...)").
            mvn = ChildProcess.withoutSecrets(new ProcessBuilder(windows ? "mvn.cmd" : "mvn", "-B", "dependency:unpack",
                    "-Dartifact=org.keycloak:keycloak-quarkus-dist:" + VERSION + ":zip", "-DoutputDirectory=" + unpacking)
                    .directory(unpacking.toFile()) // Maven leaves a marker folder in its working folder
                    .redirectErrorStream(true)
                    .redirectOutput(cache.resolve("mvn.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw failed("Keycloak is not in " + cache + " yet, and Maven (mvn) is needed to fetch it: " + e.getMessage(), e);
        }
        // What Maven downloaded is in its log once each file is complete; the Keycloak archive, while it
        // arrives, grows in Maven's local repository (Maven's own ~/.m2: user.home, as Maven has it).
        Path download = Path.of(System.getProperty("user.home"), ".m2", "repository", "org", "keycloak", "keycloak-quarkus-dist", VERSION);
        Path mvnLog = cache.resolve("mvn.log");
        if (!waitWithProgress(mvn, progress, "fetching", () -> ", " + downloadedMegabytes(mvnLog, download) + " of about "
                + FETCH_MEGABYTES + " MB") || mvn.exitValue() != 0) {
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

    /** What a first fetch downloads: Keycloak's archive and the Maven plugin that unpacks it (measured on an empty account). */
    static final int FETCH_MEGABYTES = 190;

    /**
     * The megabytes downloaded so far: the files Maven's log names as downloaded (its plugins), and
     * Keycloak's archive as far as it has arrived in {@code archiveFolder}.
     */
    static long downloadedMegabytes(Path mvnLog, Path archiveFolder) {
        double kilobytes = 0;
        try (Stream<String> lines = Files.lines(mvnLog)) {
            java.util.regex.Pattern size = java.util.regex.Pattern.compile("Downloaded from .*\\(([0-9.]+) (B|kB|MB|GB) at");
            for (String line : (Iterable<String>) lines::iterator) {
                java.util.regex.Matcher matcher = size.matcher(line);
                if (matcher.find() && !line.contains("keycloak-quarkus-dist")) {
                    double value = Double.parseDouble(matcher.group(1));
                    kilobytes += switch (matcher.group(2)) {
                        case "B" -> value / 1000;
                        case "kB" -> value;
                        case "MB" -> value * 1000;
                        default -> value * 1000_000;
                    };
                }
            }
        } catch (IOException | UncheckedIOException | NumberFormatException notYet) {
            // nothing logged yet
        }
        long archive;
        try (Stream<Path> files = Files.list(archiveFolder)) {
            archive = files.mapToLong(file -> file.toFile().length()).sum();
        } catch (IOException | UncheckedIOException notYet) {
            archive = 0;
        }
        return Math.round(kilobytes / 1000 + archive / 1e6);
    }

    /** Whether the realm's discovery document answers: Keycloak is up, with our realm imported. */
    public static boolean answers(URI issuer) {
        try (Http http = new Http(Duration.ofSeconds(2), Duration.ofSeconds(3))) {
            return http.get(Urls.discoveryUrl(issuer), "discovery document").status() == 200;
        } catch (HttpFailure e) {
            return false;
        }
    }

    /** Whether nothing listens on {@code port} on 127.0.0.1. */
    public static boolean portIsFree(int port) {
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

    public static Path cacheFolder() {
        return UserFolders.ofThisProcess().cacheRoot();
    }

    /** The cache root passes the rule of {@link PrivateFolder}: Keycloak runs from it, so nobody else may change it. */
    private static void checkPrivate(Path cache) throws Failed {
        try (PrivateFolder checked = PrivateFolder.open(cache)) {
            // opened and checked; Keycloak's folder is made in it, by this user
        } catch (PrivateFolder.Unsafe e) {
            throw notPrivate(cache, e);
        } catch (IOException e) {
            throw failed("Could not prepare Keycloak in " + cache + ": " + e, e);
        }
    }

    /**
     * Asks the processes to stop (Keycloak shuts down cleanly on SIGTERM), saying so at once and every
     * 5 s while they end, and returns when they are gone: on Java 25 and later, the first stop after a
     * start writes the AOT cache for the next start, which can take a minute or two on 2 cores. What
     * is left after {@link #STOP_LIMIT} is killed.
     *
     * @return whether every process could be asked to stop (false: another user's, which this user cannot signal)
     */
    private static boolean stop(Stream<ProcessHandle> keycloak, Consumer<String> progress) {
        List<ProcessHandle> processes = keycloak.filter(ProcessHandle::isAlive).toList();
        if (processes.isEmpty()) {
            return true;
        }
        boolean writesAotCache = processes.stream().anyMatch(process -> process.info().commandLine()
                .map(line -> line.contains("-XX:AOTCacheOutput=")).orElse(false));
        progress.accept("Stopping the local Keycloak (process " + processes.get(0).pid() + ")" + (writesAotCache
                ? "; as this is its first stop on this Java, it also writes its start-up cache (about 200 MB) for the next start,"
                        + " which can take a minute or two"
                : ""));
        boolean signalled = true;
        for (ProcessHandle process : processes) {
            signalled &= process.destroy() || !process.isAlive();
        }
        long started = System.nanoTime();
        long deadline = started + STOP_LIMIT.toNanos();
        for (ProcessHandle process : processes) {
            while (process.isAlive() && System.nanoTime() < deadline) {
                try {
                    process.onExit().get(5, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    progress.accept("  ... still stopping (" + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + " s)");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return signalled;
                } catch (java.util.concurrent.ExecutionException e) {
                    break;
                }
            }
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
        if (signalled) {
            progress.accept("Keycloak stopped after " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + " s");
        }
        return signalled;
    }

    private static List<String> resourceLines(String name) {
        try (InputStream in = LocalKeycloak.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Failed failed(String message, Throwable cause) {
        return new Failed(message, cause);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code status}: says whether Keycloak serves {@code issuer}; 0 when it does, 3 when not (as service scripts do). */
    public static int status(URI issuer) {
        boolean serves = answers(issuer);
        System.err.println(serves ? "Keycloak serves " + issuer : "No Keycloak answers at " + issuer);
        return serves ? 0 : 3;
    }

    /**
     * {@code start} leaves Keycloak running (for the benchmark, or a warm demo); {@code stop} ends this
     * user's Keycloaks of these scripts (or the one on {@code PORT}), and returns when they are gone;
     * {@code status} tells.
     */
    public static void main(String... args) throws Exception {
        String command = args.length == 0 ? "status" : args[0];
        URI issuer = demoIssuer();
        switch (command) {
            case "start" -> {
                ensureRunning(issuer, System.err::println, List.of(), Lifetime.UNTIL_STOPPED);
                System.err.println("Keycloak serves " + issuer + "; stop it with: ./jbang LocalKeycloak.java stop");
            }
            case "stop" -> {
                Optional<Integer> port = args.length > 1 ? Optional.of(Integer.parseInt(args[1])) : Optional.empty();
                List<ProcessHandle> others = stop(port, System.err::println);
                for (ProcessHandle other : others) {
                    System.err.println("Not stopped: the Keycloak process " + other.pid() + " runs as "
                            + other.info().user().orElse("another user") + ", not as you");
                }
                System.exit(others.isEmpty() ? 0 : 1);
            }
            case "status" -> System.exit(status(issuer));
            default -> {
                System.err.println("usage: LocalKeycloak.java start | stop [PORT] | status");
                System.exit(2);
            }
        }
    }
}
