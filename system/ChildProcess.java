package system;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Every program this tool starts (a browser, Maven, Keycloak, the keychain's tool) gets an
 * environment without the tool's secrets: every {@code OCS_LOGIN_*} variable whose name ends in
 * {@code _SECRET} (the client secret of a confidential client) is removed.
 */
public final class ChildProcess {

    /** What a program run to its end said: its exit code, its stdout and its stderr (each at most {@link #MAX_OUTPUT} bytes). */
    public record Result(int exitCode, byte[] stdout, String stderr) {
        public String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    /** The most a program run by {@link #run} may write to stdout or stderr; more is cut off. */
    static final int MAX_OUTPUT = 1 << 20;

    private ChildProcess() {
    }

    public static ProcessBuilder withoutSecrets(ProcessBuilder builder) {
        builder.environment().keySet().removeIf(ChildProcess::holdsASecret);
        return builder;
    }

    /** Whether the variable {@code name} is one of the tool's secrets. */
    public static boolean holdsASecret(String name) {
        return name.startsWith("OCS_LOGIN_") && name.endsWith("_SECRET");
    }

    /**
     * Runs {@code command} to its end, with {@code stdin} as its standard input (where a secret goes:
     * never in an argument, which every local user can read), for at most {@code limit}: a program
     * still running then is killed, and that is an {@link IOException}, as a program that cannot be
     * started is.
     */
    public static Result run(List<String> command, byte[] stdin, Duration limit) throws IOException {
        Process process = withoutSecrets(new ProcessBuilder(command)).start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readUpTo(process.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readUpTo(process.getErrorStream()));
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin);
        } catch (IOException closedEarly) {
            // the program did not read it all: its exit code says why
        }
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(command.get(0) + " did not end within " + limit.toSeconds() + " s");
            }
            return new Result(process.exitValue(), out.get(5, TimeUnit.SECONDS), new String(err.get(5, TimeUnit.SECONDS),
                    StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + command.get(0) + " ran", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException(command.get(0) + "'s output could not be read: " + e, e);
        }
    }

    private static byte[] readUpTo(InputStream stream) {
        try (stream) {
            byte[] bytes = stream.readNBytes(MAX_OUTPUT);
            stream.transferTo(OutputStream.nullOutputStream()); // the rest, so that the program never blocks on a full pipe
            return bytes;
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
