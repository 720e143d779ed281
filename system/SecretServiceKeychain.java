package system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The Secret Service of freedesktop.org (GNOME Keyring, KWallet, KeePassXC) through libsecret's
 * {@code secret-tool}: {@code store} reads the secret on stdin, {@code search --unlock} prints it on
 * stdout (and asks the desktop to unlock a locked keyring, or says it is locked where nothing can
 * ask), {@code clear} removes it.
 */
final class SecretServiceKeychain implements Keychain {

    private static final String TOOL = "secret-tool";
    private final Duration wait;

    SecretServiceKeychain(Duration wait) {
        this.wait = wait;
    }

    @Override
    public String name() {
        return "the Secret Service (GNOME Keyring, KWallet)";
    }

    @Override
    public Optional<String> find(String account) throws Failure {
        ChildProcess.Result result = run(List.of(TOOL, "search", "--unlock", "service", SERVICE, "account", account), new byte[0]);
        failIfUnusable(result);
        for (String line : result.stdoutText().split("\n")) {
            if (line.startsWith("secret = ")) {
                return Optional.of(line.substring("secret = ".length()));
            }
        }
        if (result.stderr().contains("locked")) {
            throw locked();
        }
        return Optional.empty();
    }

    @Override
    public void store(String account, String label, String secret) throws Failure {
        ChildProcess.Result result = run(List.of(TOOL, "store", "--label=" + label, "service", SERVICE, "account", account),
                secret.getBytes(StandardCharsets.UTF_8));
        failIfUnusable(result);
        if (result.exitCode() != 0) {
            throw result.stderr().contains("locked") ? locked() : new Failure(Failure.Kind.UNAVAILABLE, "secret-tool could not store the"
                    + " secret in " + name() + ": " + Keychain.firstLine(result.stderr()));
        }
    }

    @Override
    public void remove(String account) throws Failure {
        ChildProcess.Result result = run(List.of(TOOL, "clear", "service", SERVICE, "account", account), new byte[0]);
        failIfUnusable(result);
        if (result.exitCode() != 0 && find(account).isPresent()) { // nothing removed: none there, or a locked keyring, which find says
            throw new Failure(Failure.Kind.UNAVAILABLE, "secret-tool could not remove the secret from " + name() + ": "
                    + Keychain.firstLine(result.stderr()));
        }
    }

    private ChildProcess.Result run(List<String> command, byte[] stdin) throws Failure {
        try {
            return ChildProcess.run(command, stdin, wait);
        } catch (IOException e) {
            boolean missing = e.getMessage() != null && e.getMessage().contains("error=2");
            throw new Failure(Failure.Kind.UNAVAILABLE, missing ? "TokenStore = keychain needs secret-tool, which is not installed"
                    + " (Debian, Ubuntu: apt-get install libsecret-tools; Fedora: dnf install libsecret)" : "secret-tool failed: "
                    + Log.printable(e.getMessage(), 200));
        }
    }

    /** No D-Bus session, or no Secret Service on it: what SSH sessions, containers and CI runners have. */
    private void failIfUnusable(ChildProcess.Result result) throws Failure {
        String said = result.stderr();
        if (result.exitCode() != 0 && (said.contains("D-Bus") || said.contains("Could not connect") || said.contains("not provided by")
                || said.contains("org.freedesktop.DBus.Error"))) {
            throw new Failure(Failure.Kind.UNAVAILABLE, "TokenStore = keychain, but there is no Secret Service on this session's D-Bus ("
                    + Keychain.firstLine(said) + "): on a desktop, GNOME Keyring or KWallet provides one; over SSH or in a container,"
                    + " start one (see the README, \"The keychain\"), or set TokenStore = file");
        }
    }

    private Failure locked() {
        return new Failure(Failure.Kind.LOCKED, "The keyring of " + name() + " is locked, and was not unlocked (no desktop to ask, or"
                + " the unlock was declined): unlock it (on a desktop, its prompt; elsewhere, gnome-keyring-daemon --unlock with its"
                + " password on stdin), then run again");
    }
}
