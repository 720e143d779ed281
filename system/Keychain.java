package system;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The operating system's store of this user's secrets, through the platform's own tool, the secret
 * always on its standard input or output and never in an argument: the Secret Service on Linux
 * (GNOME Keyring, KWallet) with {@code secret-tool}, the macOS Keychain with {@code security}, and
 * on Windows the user's DPAPI key with PowerShell. Each secret is an item of the service
 * {@value #SERVICE} named by an account. A tool costs about 25 ms a call where a library would cost
 * 300 ms and 3.6 MB (measured: README, "The keychain").
 */
public interface Keychain {

    String SERVICE = "ocs-pkce-login";

    /** The secret stored for {@code account}; empty when there is none. */
    Optional<String> find(String account) throws Failure;

    /** Stores {@code secret} for {@code account}, replacing what was there; {@code label} is what the user sees in the store's own tools. */
    void store(String account, String label, String secret) throws Failure;

    /** Removes the secret of {@code account}; nothing stored is fine. */
    void remove(String account) throws Failure;

    /** What the store is, for messages. */
    String name();

    /**
     * The store of this system, for calls of at most {@code wait} each (an unlock prompt on a desktop
     * waits for the user); {@code folders} for Windows, whose protected secrets are files.
     */
    static Keychain ofThisSystem(UserFolders folders, Duration wait) {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        if (os.contains("mac")) {
            return new MacKeychain(wait);
        }
        if (os.contains("windows")) {
            return new WindowsKeychain(folders.cacheRoot().resolve("keychain"), wait);
        }
        return new SecretServiceKeychain(wait);
    }

    /** Why the store could not be used: said in one line with its fix, never passed over. */
    final class Failure extends Exception {

        /** No store to use (no tool, no Secret Service on the session's bus), or a locked one (or an unlock the user declined). */
        public enum Kind { UNAVAILABLE, LOCKED }

        private final Kind kind;

        public Failure(Kind kind, String message) {
            super(message);
            this.kind = kind;
        }

        public Kind kind() {
            return kind;
        }
    }

    /**
     * An item's account: {@code kind} and a digest of {@code parts} (a provider, a client...), a name
     * every store takes, which says nothing of them.
     */
    static String account(String kind, String... parts) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(String.join("\n", parts).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return kind + "-" + java.util.HexFormat.of().formatHex(digest, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** The first line of what a tool said on stderr, fit for the terminal. */
    static String firstLine(String stderr) {
        String line = stderr.strip().lines().findFirst().orElse("");
        return Log.printable(line, 200);
    }
}
