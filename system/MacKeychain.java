package system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The macOS Keychain through {@code security} (not tested here: no macOS). A secret is stored by a
 * command read on stdin ({@code security -i}), since {@code add-generic-password -w} would put it in
 * an argument; it is kept in Base64, which needs no quoting there. {@code find-generic-password -w}
 * prints it on stdout.
 */
final class MacKeychain implements Keychain {

    /** {@code security}'s exit code for an item that is not there (errSecItemNotFound). */
    private static final int NOT_FOUND = 44;
    private final Duration wait;

    MacKeychain(Duration wait) {
        this.wait = wait;
    }

    @Override
    public String name() {
        return "the macOS Keychain";
    }

    @Override
    public Optional<String> find(String account) throws Failure {
        ChildProcess.Result result = run(List.of("security", "find-generic-password", "-s", SERVICE, "-a", account, "-w"), new byte[0]);
        if (result.exitCode() == NOT_FOUND) {
            return Optional.empty();
        }
        failIfRefused(result);
        try {
            return Optional.of(new String(Base64.getDecoder().decode(result.stdoutText().strip()), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException notOurs) {
            return Optional.empty();
        }
    }

    @Override
    public void store(String account, String label, String secret) throws Failure {
        String encoded = Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
        String command = "add-generic-password -U -s " + SERVICE + " -a " + account + " -l \"" + label.replace("\"", "'") + "\" -w "
                + encoded + "\n";
        failIfRefused(run(List.of("security", "-i"), command.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void remove(String account) throws Failure {
        ChildProcess.Result result = run(List.of("security", "delete-generic-password", "-s", SERVICE, "-a", account), new byte[0]);
        if (result.exitCode() != NOT_FOUND) {
            failIfRefused(result);
        }
    }

    private ChildProcess.Result run(List<String> command, byte[] stdin) throws Failure {
        try {
            return ChildProcess.run(command, stdin, wait);
        } catch (IOException e) {
            throw new Failure(Failure.Kind.UNAVAILABLE, "security failed: " + Log.printable(e.getMessage(), 200));
        }
    }

    private void failIfRefused(ChildProcess.Result result) throws Failure {
        if (result.exitCode() == 0 && !result.stderr().contains("error")) {
            return;
        }
        String said = Keychain.firstLine(result.stderr());
        boolean locked = said.contains("interaction") || said.contains("locked") || said.contains("canceled") || said.contains("denied");
        throw new Failure(locked ? Failure.Kind.LOCKED : Failure.Kind.UNAVAILABLE, name() + " refused (" + said + ")"
                + (locked ? ": unlock it, and allow ocs-pkce-login's access when asked, then run again" : ""));
    }
}
