package support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real Secret Service for the tests of TokenStore = keychain: a D-Bus session bus of the tests'
 * own, with GNOME Keyring's daemon on it, headless, its login keyring unlocked with a password on
 * stdin, and its files in a folder of the test's (never the user's keyring). Runs of the tool get
 * {@link #environment()}, which names that bus.
 */
public final class TestKeyring implements AutoCloseable {

    private static final String PASSWORD = "keyring-password-of-the-tests";

    private final Path folder;
    private final Map<String, String> environment = new HashMap<>();
    private final long busPid;

    private TestKeyring(Path folder, String busAddress, long busPid) {
        this.folder = folder;
        this.busPid = busPid;
        environment.put("DBUS_SESSION_BUS_ADDRESS", busAddress);
        environment.put("XDG_DATA_HOME", folder.resolve("data").toString());
        environment.put("XDG_RUNTIME_DIR", folder.resolve("run").toString());
    }

    /** A bus and an unlocked keyring in {@code folder}. */
    public static TestKeyring start(Path folder) throws IOException, InterruptedException {
        Files.createDirectories(folder.resolve("data"));
        Files.createDirectories(folder.resolve("run"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Process bus = new ProcessBuilder("dbus-daemon", "--session", "--fork", "--nosyslog", "--print-address=1", "--print-pid=1")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> printed = new String(bus.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        if (!bus.waitFor(30, TimeUnit.SECONDS) || bus.exitValue() != 0 || printed.size() < 2) {
            throw new IOException("dbus-daemon --session did not start (apt-get install dbus): " + printed);
        }
        TestKeyring keyring = new TestKeyring(folder, printed.get(0).strip(), Long.parseLong(printed.get(1).strip()));
        keyring.unlock();
        return keyring;
    }

    /** The variables a run of the tool gets to use this keyring. */
    public Map<String, String> environment() {
        return Map.copyOf(environment);
    }

    /** (Re)starts the keyring's daemon, unlocked: as a desktop session does after the user's password. */
    public void unlock() throws IOException, InterruptedException {
        ProcessBuilder daemon = new ProcessBuilder("gnome-keyring-daemon", "--replace", "--unlock", "--components=secrets", "--daemonize")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        daemon.environment().putAll(environment);
        Process process = daemon.start();
        process.getOutputStream().write(PASSWORD.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("gnome-keyring-daemon did not start (apt-get install gnome-keyring)");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (run("secret-tool", "search", "service", "ocs-pkce-login-tests", "account", "none").exitCode() != 0) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the Secret Service did not answer on the tests' bus");
            }
            Thread.sleep(100);
        }
    }

    /** Locks the login keyring, as a screen lock or a timeout does. */
    public void lock() throws IOException, InterruptedException {
        Result result = run("dbus-send", "--session", "--dest=org.freedesktop.secrets", "--print-reply", "/org/freedesktop/secrets",
                "org.freedesktop.Secret.Service.Lock", "array:objpath:/org/freedesktop/secrets/collection/login");
        if (result.exitCode() != 0) {
            throw new IOException("the keyring could not be locked: " + result.output());
        }
    }

    /** Every item of the tool in the keyring, as secret-tool lists them (their secrets too). */
    public String items() throws IOException, InterruptedException {
        return run("secret-tool", "search", "--all", "service", "ocs-pkce-login").output();
    }

    /** What a command on this bus printed, and its exit code. */
    public record Result(int exitCode, String output) {
    }

    public Result run(String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not end");
        }
        return new Result(process.exitValue(), output);
    }

    /** Ends the bus; the keyring's daemon ends with it. */
    @Override
    public void close() {
        ProcessHandle.of(busPid).ifPresent(ProcessHandle::destroy);
        try (var processes = ProcessHandle.allProcesses()) {
            processes.filter(process -> process.info().command().orElse("").endsWith("gnome-keyring-daemon"))
                    .filter(process -> environOf(process).contains(folder.resolve("run").toString()))
                    .forEach(ProcessHandle::destroy);
        }
    }

    private static String environOf(ProcessHandle process) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(process.pid()), "environ")), StandardCharsets.ISO_8859_1);
        } catch (IOException gone) {
            return "";
        }
    }
}
