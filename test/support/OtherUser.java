package support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second, real local user of this machine, who acts against the tool's private places: made with
 * {@code useradd} when missing, and acting through {@code runuser}. That needs root, which CI is;
 * elsewhere the tests that need this user fail and say why (a skipped test would prove nothing).
 */
public final class OtherUser {

    public static final String NAME = "ocs-mallory";

    private static OtherUser user;

    private final int uid;

    private OtherUser(int uid) {
        this.uid = uid;
    }

    /** The other user, made now if it does not exist yet. */
    public static synchronized OtherUser get() {
        if (user == null) {
            if (!"root".equals(System.getProperty("user.name"))) {
                throw new AssertionError("This test needs a second local user (" + NAME + ") and creates it with useradd, which"
                        + " needs root: run the tests as root (CI does), or with sudo");
            }
            try {
                if (run(List.of("id", "-u", NAME)).exitCode() != 0) {
                    Result made = run(List.of("useradd", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/bin/sh", NAME));
                    if (made.exitCode() != 0) {
                        throw new AssertionError("useradd " + NAME + " failed: " + made.output());
                    }
                }
                user = new OtherUser(Integer.parseInt(run(List.of("id", "-u", NAME)).output().strip()));
            } catch (IOException e) {
                throw new AssertionError("Could not create the second local user " + NAME + ": " + e, e);
            }
        }
        return user;
    }

    public int uid() {
        return uid;
    }

    /** What a command printed (stdout and stderr together), and its exit code. */
    public record Result(int exitCode, String output) {
    }

    /** Runs {@code script} with {@code sh -c} as this user, and waits for it (at most a minute). */
    public Result sh(String script) throws IOException {
        return run(List.of("runuser", "-u", NAME, "--", "sh", "-c", script));
    }

    /** Starts {@code script} as this user in the background; the caller stops it. */
    public Process start(String script) throws IOException {
        return new ProcessBuilder("runuser", "-u", NAME, "--", "sh", "-c", script).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** A new folder that everyone may write, like /tmp ({@code sticky}: 1777) or worse (0777): where two users meet. */
    public static Path sharedFolder(String prefix, boolean sticky) throws IOException {
        Path folder = Files.createTempDirectory(Path.of("/tmp"), prefix);
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
        if (sticky && run(List.of("chmod", "1777", folder.toString())).exitCode() != 0) {
            throw new IOException("chmod 1777 " + folder + " failed");
        }
        return folder;
    }

    private static Result run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not end within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
