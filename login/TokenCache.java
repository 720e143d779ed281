package login;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.json.JSONException;
import org.json.JSONObject;
import system.Http;
import system.Keychain;
import system.Log;
import system.PrivateFolder;
import system.UserFolders;
import system.Urls;

/**
 * The token cache: the token response of a login, kept per user so that later runs can answer from
 * it, or refresh it, without a browser. One file per (issuer, client_id, scope, tenant) in
 * {@code ${XDG_CACHE_HOME:-~/.cache}/ocs-pkce-login/tokens/} (or {@code --cache-dir}): the folder
 * {@code 0700}, the files {@code 0600}, written atomically and under a lock, so that runs at the
 * same time never see half a file. It holds the access, refresh and ID tokens, the validated ID
 * token claims, the scope and the expiry as an absolute time; never the code, the code_verifier
 * or a password. With TokenStore = keychain, the tokens are in the OS's keychain instead, one item
 * per entry, and the file holds what --status shows.
 */
public final class TokenCache {

    /** The first field of every entry: a file without it is someone else's (or an older format). */
    public static final String FORMAT = "ocs-pkce-login token cache 1";
    /**
     * The largest entry, written or read: one limit, so that what is written can always be read back.
     * A token response is at most {@link Http#MAX_ANSWER_BYTES}, and its ID token's claims are a part
     * of it again; an entry much larger is not one of ours.
     */
    static final int MAX_ENTRY_BYTES = 3 * Http.MAX_ANSWER_BYTES;

    /** What an entry is for: one provider, client, scope and tenant; a person's login, or a machine's ({@code --client-credentials}). */
    public record Key(String issuer, String clientId, String scope, String tenant, boolean machine) {

        /** A person's login with {@code config}. */
        public static Key of(LoginConfig config) {
            return new Key(Urls.stripTrailingSlash(config.authority().toString()), config.clientId(), config.scope(),
                    config.tenantId().orElse(""), false);
        }

        /** A machine's login with {@code config}: its own entry, for the scope a machine asks for. */
        public static Key forMachine(LoginConfig config) {
            return new Key(Urls.stripTrailingSlash(config.authority().toString()), config.clientId(), config.machineScope().orElse(""),
                    config.tenantId().orElse(""), true);
        }

        /** The entry's file name: the key's fields, hashed into a name any file system takes. */
        public String fileName() {
            String joined = String.join("\n", issuer, clientId, scope, tenant) + (machine ? "\nmachine" : "");
            return Long.toHexString(fnv1a(joined, 0xcbf29ce484222325L)) + Long.toHexString(fnv1a(joined, 0x84222325cbf29ce4L)) + ".json";
        }

        /** The key as its entry names it. */
        public JSONObject toJson() {
            JSONObject json = new JSONObject().put("issuer", issuer).put("client_id", clientId).put("scope", scope).put("tenant", tenant);
            return machine ? json.put("grant", "client_credentials") : json;
        }

        /** The key an entry names, if it names one. */
        static Optional<Key> fromJson(JSONObject json) {
            if (json == null || !(json.opt("issuer") instanceof String issuer) || !(json.opt("client_id") instanceof String clientId)) {
                return Optional.empty();
            }
            return Optional.of(new Key(issuer, clientId, json.optString("scope"), json.optString("tenant"),
                    "client_credentials".equals(json.opt("grant"))));
        }

        /** FNV-1a, 64 bits: a name, not a secret; the entry names its key in full, and is only used when that matches. */
        private static long fnv1a(String text, long basis) {
            long hash = basis;
            for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
                hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
            }
            return hash;
        }
    }

    /** A cached token response; {@code exposed} when its file could be read by other users. */
    record Entry(TokenResponse tokens, boolean exposed) {
    }

    private final Path root;
    private final String[] inside;
    private final Optional<KeptInKeychain> keychain;
    private final boolean toKeychain;

    /** The cache in {@code folder} (--cache-dir), which must pass the rule of {@link PrivateFolder} itself. */
    TokenCache(Path folder) {
        this(Optional.empty(), false, folder);
    }

    private TokenCache(Optional<KeptInKeychain> keychain, boolean toKeychain, Path root, String... inside) {
        this.root = root;
        this.inside = inside;
        this.keychain = keychain;
        this.toKeychain = toKeychain;
    }

    /** The cache of {@code --cache-dir}, or by default {@code tokens/} in this user's cache root; for --status, which reads no secret. */
    public static TokenCache in(Optional<Path> cacheDir) {
        return cacheDir.map(TokenCache::new).orElseGet(() -> new TokenCache(Optional.empty(), false, UserFolders.ofThisProcess().cacheRoot(),
                "tokens"));
    }

    /**
     * The cache, its secrets written where {@code store} says: with {@link LoginConfig.TokenStore#KEYCHAIN},
     * into {@code keychain}, the file holding no secret. An entry is read from where it was written.
     */
    static TokenCache in(Optional<Path> cacheDir, Supplier<Keychain> keychain, LoginConfig.TokenStore store) {
        boolean toKeychain = store == LoginConfig.TokenStore.KEYCHAIN;
        Optional<KeptInKeychain> kept = Optional.of(new KeptInKeychain(keychain));
        return cacheDir.map(folder -> new TokenCache(kept, toKeychain, folder))
                .orElseGet(() -> new TokenCache(kept, toKeychain, UserFolders.ofThisProcess().cacheRoot(), "tokens"));
    }

    private KeptInKeychain keychain() throws LoginException {
        return keychain.orElseThrow(() -> new LoginException(LoginException.Exit.INTERNAL, "no keychain was given to the token cache"));
    }

    /** The folder's path, for messages. */
    public Path folder() {
        return inside.length == 0 ? root : root.resolve(String.join("/", inside));
    }

    /**
     * One entry as --status shows it: its key, what it holds, and whether others could read it; or
     * why it cannot be shown.
     */
    public record Listed(String file, Optional<Key> key, Optional<TokenResponse> tokens, Optional<String> clientKind, boolean inKeychain,
            boolean exposed, String problem) {
    }

    /** Every entry of the cache, read without a lock and without the network (for --status); none when there is no cache yet. */
    public java.util.List<Listed> list() throws LoginException {
        java.util.List<Listed> listed = new java.util.ArrayList<>();
        if (!java.nio.file.Files.isDirectory(folder())) {
            return listed;
        }
        try (PrivateFolder folder = PrivateFolder.open(root, inside)) {
            for (String name : folder.names().stream().filter(name -> name.endsWith(".json") && !name.startsWith(".")).sorted().toList()) {
                Optional<PrivateFolder.Contents> contents;
                try {
                    contents = folder.read(name, MAX_ENTRY_BYTES);
                } catch (PrivateFolder.NotAFile e) {
                    continue;
                }
                if (contents.isEmpty()) {
                    continue;
                }
                try {
                    JSONObject json = new JSONObject(new String(contents.get().bytes(), StandardCharsets.UTF_8));
                    Optional<Key> key = Key.fromJson(json.optJSONObject("key"));
                    JSONObject tokens = json.optJSONObject("tokens");
                    if (!FORMAT.equals(json.opt("format")) || key.isEmpty() || tokens == null) {
                        listed.add(new Listed(name, Optional.empty(), Optional.empty(), Optional.empty(), false, false, "not an entry of this version"));
                        continue;
                    }
                    listed.add(new Listed(name, key, Optional.of(TokenResponse.kept(tokens, expiresAt(json))),
                            json.opt("client") instanceof String kind ? Optional.of(kind) : Optional.empty(), KeptInKeychain.KEYCHAIN.equals(json.opt("secrets")),
                            contents.get().readableByOthers(), ""));
                } catch (JSONException | java.time.DateTimeException e) {
                    listed.add(new Listed(name, Optional.empty(), Optional.empty(), Optional.empty(), false, false, "damaged"));
                }
            }
        } catch (PrivateFolder.Unsafe e) {
            throw unsafe(e);
        } catch (IOException e) {
            throw new LoginException(LoginException.Exit.CACHE_FAILED, "The token cache in " + folder() + " cannot be read: "
                    + Log.printable(PrivateFolder.describe(e), 300), e);
        }
        return listed;
    }

    /**
     * An entry's {@code expires_at}, when it is a whole number of POSIX seconds within the lifetime any
     * token can have ({@link TokenCheck#MAX_LIFETIME_SECONDS} either way of now); anything else is an
     * unknown expiry, as an out-of-range {@code expires_in} is: the token is not taken as fresh.
     */
    static Optional<Instant> expiresAt(JSONObject entry) {
        if (!(entry.opt("expires_at") instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())) {
            return Optional.empty();
        }
        long now = Instant.now().getEpochSecond();
        double seconds = number.doubleValue();
        if (seconds < now - TokenResponse.MAX_LIFETIME_SECONDS || seconds > now + TokenResponse.MAX_LIFETIME_SECONDS) {
            return Optional.empty();
        }
        return Optional.of(Instant.ofEpochSecond(number.longValue()));
    }

    /** Temporary files of a write that never finished (a killed run) are older than this; newer ones may be another run's. */
    private static final Duration LEFTOVER = Duration.ofHours(1);

    /**
     * The entry of {@code key}, locked against other runs until it is closed. When another run holds
     * it (it is signing in or refreshing), this waits up to {@code wait} and then reads what that run
     * wrote.
     */
    Locked open(Key key, Duration wait, Log log) throws LoginException {
        PrivateFolder folder;
        try {
            folder = PrivateFolder.open(root, inside);
        } catch (PrivateFolder.Unsafe e) {
            throw unsafe(e);
        } catch (IOException e) {
            throw new LoginException(LoginException.Exit.CACHE_FAILED, "The token cache in " + folder() + " cannot be used: "
                    + Log.printable(PrivateFolder.describe(e), 300) + " (--cache-dir DIR uses another folder, --no-cache none)", e);
        }
        try {
            FileChannel channel = folder.lockFile(key.fileName().replace(".json", ".lock"));
            try {
                Locked locked = new Locked(key, folder, channel, lock(channel, wait, log));
                locked.removeLeftovers(); // of runs killed while writing (a listing: a third of a millisecond)
                return locked;
            } catch (LoginException | IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException e) {
            folder.close();
            throw new LoginException(LoginException.Exit.CACHE_FAILED, "The token cache in " + folder.path() + " cannot be used: "
                    + Log.printable(PrivateFolder.describe(e), 300) + " (--cache-dir DIR uses another folder, --no-cache none)", e);
        } catch (LoginException | RuntimeException e) {
            folder.close();
            throw e;
        }
    }

    private static FileLock lock(FileChannel channel, Duration wait, Log log) throws IOException, LoginException {
        long deadline = System.nanoTime() + wait.toNanos();
        boolean told = false;
        while (true) {
            try {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    return lock;
                }
            } catch (OverlappingFileLockException heldInThisJvm) {
                // another run in this same process (the tests): wait like for any other
            }
            if (!told) {
                log.info("Another ocs-login run holds the cached tokens of these settings (it signs in or refreshes them);"
                        + " waiting for it, up to " + wait.toSeconds() + " s");
                told = true;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new LoginException(LoginException.Exit.CACHE_FAILED, "Another ocs-login run kept the cached tokens of these"
                        + " settings locked for " + wait.toSeconds() + " s, as long as --timeout allows; try again, or use --no-cache");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LoginException(LoginException.Exit.CANCELLED, "Interrupted while waiting for the token cache");
            }
        }
    }

    private static LoginException unsafe(PrivateFolder.Unsafe e) {
        return new LoginException(LoginException.Exit.CACHE_FAILED, e.refusing("The token cache", "use --cache-dir DIR, or --no-cache"));
    }

    /** One entry, locked for this run. */
    final class Locked implements AutoCloseable {
        private final Key key;
        private final PrivateFolder folder;
        private final FileChannel channel;
        private final FileLock lock;
        /** Whether the entry read has its secrets in the keychain: writing it to a file, or deleting it, removes them there. */
        private boolean readFromKeychain;

        private Locked(Key key, PrivateFolder folder, FileChannel channel, FileLock lock) {
            this.key = key;
            this.folder = folder;
            this.channel = channel;
            this.lock = lock;
        }

        Path file() {
            return folder.path().resolve(key.fileName());
        }

        /**
         * Before a sign-in whose tokens go to the keychain: that it can take them, so that a missing or
         * locked keychain is said now, with its own exit code, and not after the user signed in.
         */
        void checkKeychain() throws LoginException {
            if (toKeychain) {
                keychain().check();
            }
        }

        /**
         * The cached entry; empty when there is none, or when the file is not a valid entry of this key
         * (it is then ignored with one line, and replaced after the next login). An entry that other
         * users could read comes back {@link Entry#exposed() exposed}: it must not be used.
         */
        Optional<Entry> read(Log log) throws LoginException {
            PrivateFolder.Contents contents;
            try {
                Optional<PrivateFolder.Contents> found = folder.read(key.fileName(), MAX_ENTRY_BYTES);
                if (found.isEmpty()) {
                    return Optional.empty();
                }
                contents = found.get();
            } catch (PrivateFolder.Unsafe e) {
                throw unsafe(e);
            } catch (PrivateFolder.NotAFile e) {
                return ignored(log, "it is not a regular file");
            } catch (IOException e) {
                return ignored(log, "it cannot be read (" + Log.printable(e.getMessage(), 120) + ")");
            }
            byte[] bytes = contents.bytes();
            if (bytes.length > MAX_ENTRY_BYTES) {
                return ignored(log, "it is larger than " + MAX_ENTRY_BYTES / 1024 + " KiB");
            }
            try {
                JSONObject json = new JSONObject(new String(bytes, StandardCharsets.UTF_8));
                if (!FORMAT.equals(json.opt("format"))) {
                    return ignored(log, "it is not in this version's format");
                }
                if (!key.toJson().similar(json.optJSONObject("key"))) {
                    return ignored(log, "it belongs to other settings");
                }
                JSONObject tokens = json.getJSONObject("tokens");
                if (KeptInKeychain.KEYCHAIN.equals(json.opt("secrets"))) {
                    readFromKeychain = true;
                    if (!keychain().restore(key, tokens)) {
                        return ignored(log, "its tokens are no longer in " + keychain().name());
                    }
                }
                if (!(tokens.opt("access_token") instanceof String)) {
                    return ignored(log, "it has no access token");
                }
                return Optional.of(new Entry(TokenResponse.kept(tokens, expiresAt(json)), contents.readableByOthers()));
            } catch (JSONException | ArithmeticException | java.time.DateTimeException e) {
                return ignored(log, "it is not a valid entry (" + Log.printable(e.getMessage(), 80) + ")");
            }
        }


        private Optional<Entry> ignored(Log log, String why) {
            log.info("warning: ignoring the cached tokens in " + file() + ": " + why + "; they are replaced after this login");
            return Optional.empty();
        }

        /**
         * Replaces the entry, atomically; with TokenStore = keychain, its secrets go to the keychain first,
         * and the file holds {@link KeptInKeychain#MARK} in their place.
         */
        void write(TokenResponse tokens, String clientKind) throws LoginException {
            JSONObject response = tokens.toJson(Instant.now());
            response.remove("expires_in"); // the entry says when, once: expires_at
            response.remove("expires_at");
            JSONObject json = new JSONObject().put("format", FORMAT).put("key", key.toJson())
                    .put("expires_at", tokens.expiresAt().map(Instant::getEpochSecond).orElse(null))
                    .put("client", clientKind).put("tokens", response);
            if (toKeychain) {
                keychain().store(key, response);
                json.put("secrets", KeptInKeychain.KEYCHAIN);
            }
            byte[] bytes = json.toString(2).getBytes(StandardCharsets.UTF_8);
            if (bytes.length > MAX_ENTRY_BYTES) {
                throw new LoginException(LoginException.Exit.CACHE_FAILED, "The tokens are not cached: with "
                        + bytes.length / 1024 + " KiB they are larger than a cache entry may be (" + MAX_ENTRY_BYTES / 1024 + " KiB)");
            }
            try {
                folder.write(key.fileName(), bytes);
            } catch (IOException e) {
                throw new LoginException(LoginException.Exit.CACHE_FAILED, "The tokens could not be cached in " + folder.path() + ": "
                        + Log.printable(PrivateFolder.describe(e), 300), e);
            }
            if (readFromKeychain && !toKeychain) {
                removeFromKeychain(); // TokenStore went back to file: the keychain's copy is old
            }
        }

        /** Deletes the entry, and its secrets in the keychain; whether there was one. */
        boolean delete() throws LoginException {
            boolean deleted;
            try {
                deleted = folder.delete(key.fileName());
            } catch (IOException e) {
                throw new LoginException(LoginException.Exit.CACHE_FAILED, "The cached tokens in " + file() + " could not be deleted: " + e, e);
            }
            if (readFromKeychain) {
                removeFromKeychain();
            }
            return deleted;
        }

        private void removeFromKeychain() throws LoginException {
            keychain().remove(key);
            readFromKeychain = false;
        }

        /**
         * Removes what killed runs left: this entry's temporary files (only the holder of its lock
         * writes them), and any other temporary file older than an hour.
         */
        private void removeLeftovers() throws IOException {
            String ours = ".tmp-" + key.fileName() + "-";
            for (String name : folder.names()) {
                if (name.startsWith(ours) || name.startsWith(".tmp-") && folder.modified(name)
                        .map(time -> time.isBefore(Instant.now().minus(LEFTOVER))).orElse(false)) {
                    folder.delete(name);
                }
            }
        }

        /** Unlocks the entry (the lock file stays, empty, for the next run). */
        @Override
        public void close() {
            try {
                lock.release();
            } catch (IOException ignored) {
                // closing the channel releases it too
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
            folder.close();
        }
    }
}
