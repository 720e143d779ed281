package support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The command line as its own process, started the way a user starts it:
 * {@code ./jbang OcsPkceLogin.java ARGS} from the repository folder.
 */
public final class CliProcess implements AutoCloseable {

    private final Process process;
    private final StringBuilder out = new StringBuilder();
    private final List<String> errLines = new ArrayList<>();

    private CliProcess(Process process) {
        this.process = process;
        pump(process.getInputStream(), line -> {
            synchronized (out) {
                out.append(line).append('\n');
            }
        });
        pump(process.getErrorStream(), line -> {
            synchronized (errLines) {
                errLines.add(line);
                errLines.notifyAll();
            }
        });
    }

    private static boolean built;

    /**
     * Builds the command line once per test run, before any test starts it: JBang's build of one
     * script must not run twice at once (processes started together would each rebuild it).
     */
    private static synchronized void ensureBuilt() throws IOException {
        if (!built) {
            // The build, then one run: the first run after a build trains the launcher's AOT cache, and keeps
            // its shell as the JVM's parent meanwhile; the tests' runs are then the JVM itself, as users' are.
            for (List<String> command : List.of(List.of("build", "OcsPkceLogin.java"), List.of("OcsPkceLogin.java", "--version"))) {
                List<String> line = new ArrayList<>(List.of(Path.of("jbang").toAbsolutePath().toString()));
                line.addAll(command);
                try {
                    Process process = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                    if (process.waitFor() != 0) {
                        throw new IOException("./jbang " + String.join(" ", command) + " failed");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            built = true;
        }
    }

    /**
     * Starts the command line; {@code CLI_WRAPPER} in {@code environment} is a command line to run it
     * under, {@code JBANG_OPTIONS} JBang options (e.g. {@code --java 17}), {@code JAVA_OPTION} one
     * option for the tool's JVM (JBang's -R), and {@code STDIN_PIPE} (any value) gives it a standard
     * input to {@link #type} into.
     */
    public static CliProcess start(Map<String, String> environment, String... args) throws IOException {
        ensureBuilt();
        List<String> command = new ArrayList<>();
        if (environment.containsKey("CLI_WRAPPER")) {
            command.addAll(List.of(environment.get("CLI_WRAPPER").split(" ")));
        }
        command.add(Path.of("jbang").toAbsolutePath().toString());
        if (environment.containsKey("JBANG_OPTIONS")) {
            command.addAll(List.of(environment.get("JBANG_OPTIONS").split(" ")));
        }
        if (environment.containsKey("JAVA_OPTION")) {
            command.add("-R" + environment.get("JAVA_OPTION"));
        }
        command.add("OcsPkceLogin.java");
        command.addAll(List.of(args.length == 0 || args[0].equals("--help") ? args : Cli.withoutTheUsersCache(args)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(environment.containsKey("STDIN_PIPE")
                ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().remove("BROWSER");
        builder.environment().putAll(environment);
        builder.environment().remove("CLI_WRAPPER");
        builder.environment().remove("JAVA_OPTION");
        builder.environment().remove("JBANG_OPTIONS");
        builder.environment().remove("STDIN_PIPE");
        return new CliProcess(builder.start());
    }

    public static CliProcess start(String... args) throws IOException {
        return start(Map.of(), args);
    }

    /** Waits for a line on stderr that matches, and returns it. */
    public String awaitErrLine(Predicate<String> matching, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (errLines) {
            while (true) {
                for (String line : errLines) {
                    if (matching.test(line)) {
                        return line;
                    }
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || (!process.isAlive() && errLines.stream().noneMatch(matching))) {
                    throw new AssertionError("no such line on stderr within " + limit.toSeconds() + " s; stderr so far:\n" + err());
                }
                errLines.wait(Math.min(left, 200));
            }
        }
    }

    /** The authorization URL the login printed in step 3 (a pushed request's short one, or the whole request with --no-par). */
    public String awaitAuthorizationUrl() throws InterruptedException {
        return awaitErrLine(line -> line.startsWith("http") && (line.contains("code_challenge=") || line.contains("request_uri=")),
                Duration.ofSeconds(120));
    }

    public int waitFor(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the login did not end within " + limit.toSeconds() + " s; stderr:\n" + err());
        }
        // let the pumps drain what the process wrote last
        Thread.sleep(100);
        return process.exitValue();
    }

    /** Writes a line to the process's standard input (started with STDIN_PIPE). */
    public void type(String line) throws IOException {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    /** Ends the standard input of a run started with {@code STDIN_PIPE}: what it reads there is all there is. */
    public void closeInput() throws IOException {
        process.getOutputStream().close();
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String out() {
        synchronized (out) {
            return out.toString();
        }
    }

    public String err() {
        synchronized (errLines) {
            return String.join("\n", errLines) + "\n";
        }
    }

    /** The process's peak resident memory (VmHWM), in KiB. */
    public long peakRssKiB() throws IOException {
        return Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status")).stream()
                .filter(line -> line.startsWith("VmHWM:"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                .findFirst().orElseThrow();
    }

    /** Every TCP address the process listens on. */
    public List<InetSocketAddress> listeningAddresses() throws IOException {
        return ListeningSockets.of(process.pid());
    }

    private static void pump(InputStream stream, java.util.function.Consumer<String> lines) {
        Thread pump = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    lines.accept(line);
                }
            } catch (IOException ended) {
                // the process is gone
            }
        }, "cli-process-pump");
        pump.setDaemon(true);
        pump.start();
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
