package login;

import system.*;
import support.*;
import keycloak.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token cache on its own: files, permissions, locking, and every kind of damaged entry. */
class TokenCacheTest {

    static final TokenCache.Key KEY = new TokenCache.Key("https://idp.example/realms/r", "cli", "openid ocsapi", "", false);

    @TempDir
    Path home;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), false, false);

    private TokenCache cache() {
        return new TokenCache(home.resolve("tokens"));
    }

    static JSONObject tokenResponse() {
        return new JSONObject().put("access_token", "at-1").put("token_type", "Bearer").put("expires_in", 300)
                .put("refresh_token", "rt-1").put("id_token", "it-1").put("scope", "openid ocsapi");
    }

    /** {@code json} as received now, with the claims its ID token had once validated. */
    static TokenResponse received(JSONObject json) {
        TokenResponse tokens = TokenResponse.received(json, Instant.now());
        return tokens.idToken().isPresent() ? tokens.withClaims(Map.of("sub", "user-1")) : tokens;
    }

    private Optional<TokenCache.Entry> read() throws LoginException {
        try (TokenCache.Locked entry = cache().open(KEY, Duration.ofSeconds(5), log)) {
            return entry.read(log);
        }
    }

    private Path write(JSONObject tokens) throws LoginException {
        try (TokenCache.Locked entry = cache().open(KEY, Duration.ofSeconds(5), log)) {
            entry.write(received(tokens), "public");
            return entry.file();
        }
    }

    /** A keychain in memory, for the cache's side of TokenStore = keychain (the real one is KeychainTest's). */
    static final class MemoryKeychain implements Keychain {
        final Map<String, String> items = new java.util.HashMap<>();
        Keychain.Failure failure;

        @Override
        public Optional<String> find(String account) throws Failure {
            if (failure != null) {
                throw failure;
            }
            return Optional.ofNullable(items.get(account));
        }

        @Override
        public void store(String account, String label, String secret) throws Failure {
            if (failure != null) {
                throw failure;
            }
            items.put(account, secret);
        }

        @Override
        public void remove(String account) throws Failure {
            items.remove(account);
        }

        @Override
        public String name() {
            return "the memory keychain";
        }
    }

    private TokenCache cache(MemoryKeychain keychain, LoginConfig.TokenStore store) {
        return TokenCache.in(Optional.of(home.resolve("tokens")), () -> keychain, store);
    }

    @Test
    void withTheKeychainTheFileHoldsNoTokenAndTheEntryReadsBackWhole() throws Exception {
        MemoryKeychain keychain = new MemoryKeychain();
        Path file;
        try (TokenCache.Locked entry = cache(keychain, LoginConfig.TokenStore.KEYCHAIN).open(KEY, Duration.ofSeconds(5), log)) {
            entry.write(received(tokenResponse()), "public");
            file = entry.file();
        }
        String onDisk = Files.readString(file);
        for (String token : List.of("at-1", "rt-1", "it-1")) {
            assertFalse(onDisk.contains(token), token + " in " + onDisk);
        }
        assertTrue(onDisk.contains("\"secrets\": \"keychain\"") && onDisk.contains("(in the keychain)"), onDisk);
        assertEquals(1, keychain.items.size());
        try (TokenCache.Locked entry = cache(keychain, LoginConfig.TokenStore.FILE).open(KEY, Duration.ofSeconds(5), log)) {
            TokenResponse tokens = entry.read(log).orElseThrow().tokens();
            assertEquals("at-1", tokens.accessToken(), "read from where it was written, whatever TokenStore says now");
            assertEquals(Optional.of("rt-1"), tokens.refreshToken());
            assertEquals(Optional.of(Map.of("sub", "user-1")), tokens.idTokenClaims());
            entry.write(received(tokenResponse().put("access_token", "at-2")), "public");
        }
        assertTrue(keychain.items.isEmpty(), "written back to a file: the keychain's copy is removed");
        assertTrue(Files.readString(file).contains("at-2"), "TokenStore = file keeps the tokens in the file");
        TokenCache.Listed listed = cache().list().get(0);
        assertFalse(listed.inKeychain());
    }

    @Test
    void anEntryWhoseKeychainItemIsGoneIsIgnoredAndDeletingRemovesTheItem() throws Exception {
        MemoryKeychain keychain = new MemoryKeychain();
        try (TokenCache.Locked entry = cache(keychain, LoginConfig.TokenStore.KEYCHAIN).open(KEY, Duration.ofSeconds(5), log)) {
            entry.write(received(tokenResponse()), "public");
        }
        assertTrue(cache().list().get(0).inKeychain(), "--status says where the tokens are");
        try (TokenCache.Locked entry = cache(keychain, LoginConfig.TokenStore.KEYCHAIN).open(KEY, Duration.ofSeconds(5), log)) {
            assertTrue(entry.read(log).isPresent());
            assertTrue(entry.delete());
        }
        assertTrue(keychain.items.isEmpty(), "--logout's delete removes the item too");
        try (TokenCache.Locked entry = cache(keychain, LoginConfig.TokenStore.KEYCHAIN).open(KEY, Duration.ofSeconds(5), log)) {
            entry.write(received(tokenResponse()), "public");
        }
        keychain.items.clear();
        try (TokenCache.Locked entry = cache(keychain, LoginConfig.TokenStore.KEYCHAIN).open(KEY, Duration.ofSeconds(5), log)) {
            assertEquals(Optional.empty(), entry.read(log));
        }
        assertTrue(err.toString().contains("its tokens are no longer in the memory keychain"), err.toString());
    }

    @Test
    void aLockedKeychainIsAFailureWithItsOwnExitCodeNeverAFallBackToTheFile() throws Exception {
        MemoryKeychain keychain = new MemoryKeychain();
        keychain.failure = new Keychain.Failure(Keychain.Failure.Kind.LOCKED, "locked");
        try (TokenCache.Locked entry = cache(keychain, LoginConfig.TokenStore.KEYCHAIN).open(KEY, Duration.ofSeconds(5), log)) {
            LoginException e = assertThrows(LoginException.class, entry::checkKeychain);
            assertEquals(LoginException.Exit.KEYCHAIN_LOCKED, e.exit());
            e = assertThrows(LoginException.class, () -> entry.write(received(tokenResponse()), "public"));
            assertEquals(LoginException.Exit.KEYCHAIN_LOCKED, e.exit());
            assertFalse(Files.exists(entry.file()), "nothing written to the file instead");
        }
        keychain.failure = new Keychain.Failure(Keychain.Failure.Kind.UNAVAILABLE, "no Secret Service");
        try (TokenCache.Locked entry = cache(keychain, LoginConfig.TokenStore.KEYCHAIN).open(KEY, Duration.ofSeconds(5), log)) {
            assertEquals(LoginException.Exit.KEYCHAIN_UNAVAILABLE, assertThrows(LoginException.class, entry::checkKeychain).exit());
        }
    }

    @Test
    void anEntryIsWrittenPrivatelyAndReadBack() throws Exception {
        Path file = write(tokenResponse());
        assertEquals("rwx------", Modes.of(file.getParent()));
        assertEquals("rw-------", Modes.of(file));
        TokenResponse entry = read().orElseThrow().tokens();
        assertEquals("at-1", entry.accessToken());
        assertEquals(Optional.of("rt-1"), entry.refreshToken());
        assertEquals(Optional.of(Map.of("sub", "user-1")), entry.idTokenClaims(), "the validated claims are kept beside the ID token");
        assertTrue(entry.validFor(Duration.ofSeconds(60), Instant.now()));
        assertFalse(entry.validFor(Duration.ofSeconds(301), Instant.now()));
        long left = entry.toJson(Instant.now()).getLong("expires_in");
        assertTrue(left > 295 && left <= 300, "expires_in counts what is left: " + left);
        JSONObject stored = new JSONObject(Files.readString(file));
        assertEquals(TokenCache.FORMAT, stored.getString("format"));
        assertEquals(Map.of("issuer", KEY.issuer(), "client_id", "cli", "scope", "openid ocsapi", "tenant", ""),
                stored.getJSONObject("key").toMap());
        assertFalse(stored.getJSONObject("tokens").has("expires_in"), "the expiry is stored as an absolute time");
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aTokenWithoutExpiryIsNeverFreshEnough() throws Exception {
        JSONObject tokens = tokenResponse();
        tokens.remove("expires_in");
        write(tokens);
        assertFalse(read().orElseThrow().tokens().validFor(Duration.ZERO, Instant.now()));
    }

    @Test
    void eachSettingHasItsOwnEntry() {
        TokenCache.Key other = new TokenCache.Key(KEY.issuer(), "cli", "openid", "", false);
        assertFalse(KEY.fileName().equals(other.fileName()));
        assertFalse(KEY.fileName().equals(new TokenCache.Key(KEY.issuer(), "cli", "openid ocsapi", "tenant-1", false).fileName()));
        assertFalse(KEY.fileName().equals(new TokenCache.Key(KEY.issuer(), "cli", "openid ocsapi", "", true).fileName()));
        assertTrue(KEY.fileName().matches("[0-9a-f]+\\.json"), KEY.fileName());
    }

    @Test
    void aRefreshKeepsWhatTheNewResponseLeavesOut() {
        TokenResponse first = received(tokenResponse());
        TokenResponse refreshed = first.refreshedWith(received(new JSONObject().put("access_token", "at-2").put("token_type", "Bearer")
                .put("expires_in", 10)));
        assertEquals("at-2", refreshed.accessToken());
        assertEquals(Optional.of("rt-1"), refreshed.refreshToken());
        assertEquals(Optional.of("it-1"), refreshed.idToken());
        assertEquals(first.idTokenClaims(), refreshed.idTokenClaims(), "the login's claims stay with its ID token");
        assertFalse(refreshed.validFor(Duration.ofSeconds(60), Instant.now()));
        TokenResponse rotated = first.refreshedWith(received(new JSONObject().put("access_token", "at-3").put("token_type", "Bearer")
                .put("refresh_token", "rt-2")));
        assertEquals(Optional.of("rt-2"), rotated.refreshToken());
    }

    /** Damaged files of several kinds: each is ignored with one warning line, never a crash. */
    @Test
    void damagedEntriesAreIgnoredWithOneLine() throws Exception {
        Path file = write(tokenResponse());
        String valid = Files.readString(file);
        Map<String, byte[]> damaged = new java.util.LinkedHashMap<>();
        damaged.put("truncated", valid.substring(0, valid.length() / 2).getBytes(StandardCharsets.UTF_8));
        damaged.put("empty", new byte[0]);
        damaged.put("binary", new byte[] {0, (byte) 0xff, 0x1b, '[', '2', 'J', (byte) 0xc3, 0x28});
        damaged.put("an array", "[1, 2, 3]".getBytes(StandardCharsets.UTF_8));
        damaged.put("another format", new JSONObject(valid).put("format", "something else 7").toString().getBytes(StandardCharsets.UTF_8));
        damaged.put("another key", new JSONObject(valid).put("key", new JSONObject().put("issuer", "https://evil.example"))
                .toString().getBytes(StandardCharsets.UTF_8));
        damaged.put("no tokens", new JSONObject(valid).put("tokens", "x").toString().getBytes(StandardCharsets.UTF_8));
        damaged.put("a number for the token", new JSONObject(valid).put("tokens", new JSONObject().put("access_token", 7))
                .toString().getBytes(StandardCharsets.UTF_8));
        damaged.put("huge", ("{\"format\":\"" + TokenCache.FORMAT + "\",\"x\":\"" + "a".repeat(TokenCache.MAX_ENTRY_BYTES) + "\"}")
                .getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, byte[]> kind : damaged.entrySet()) {
            err.reset();
            Files.write(file, kind.getValue());
            assertEquals(Optional.empty(), read(), kind.getKey());
            List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
            assertEquals(1, lines.size(), kind.getKey() + ": " + lines);
            assertTrue(lines.get(0).startsWith("warning: ignoring the cached tokens in " + file), lines.get(0));
            assertFalse(lines.get(0).contains("\u001b"), lines.get(0));
        }
        Files.delete(file);
        Files.createDirectory(file);
        err.reset();
        assertEquals(Optional.empty(), read(), "a folder where the entry should be");
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("it is not a regular file"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aCacheFolderOthersCanWriteIsRefused() throws Exception {
        Path folder = Files.createDirectories(home.resolve("tokens"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
        LoginException e = assertThrows(LoginException.class, () -> cache().open(KEY, Duration.ofSeconds(1), log));
        assertEquals(LoginException.Exit.CACHE_FAILED, e.exit());
        assertTrue(e.getMessage().contains("can be written by other users (mode rwxrwxrwx)"), e.getMessage());
    }

    /** (An entry of another user's is AnotherLocalUserTest's: giving a file away takes root.) */
    @Test
    void anEntryOthersCanWriteIsRefused() throws Exception {
        Path file = write(tokenResponse());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        LoginException e = assertThrows(LoginException.class, this::read);
        assertEquals(LoginException.Exit.CACHE_FAILED, e.exit());
        assertTrue(e.getMessage().contains("can be written by other users"), e.getMessage());
    }

    @Test
    void aSymbolicLinkAsTheEntryIsRefused() throws Exception {
        Path file = write(tokenResponse());
        Path elsewhere = Files.writeString(home.resolve("elsewhere.json"), Files.readString(file));
        Files.delete(file);
        Files.createSymbolicLink(file, elsewhere);
        LoginException e = assertThrows(LoginException.class, this::read);
        assertTrue(e.getMessage().contains("is a symbolic link"), e.getMessage());
    }

    @Test
    void aSecondRunWaitsForTheFirstAndThenReadsWhatItWrote() throws Exception {
        TokenCache.Locked first = cache().open(KEY, Duration.ofSeconds(5), log);
        CompletableFuture<Optional<TokenCache.Entry>> second = CompletableFuture.supplyAsync(() -> {
            try (TokenCache.Locked entry = cache().open(KEY, Duration.ofSeconds(20), log)) {
                return entry.read(log);
            } catch (LoginException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(500);
        assertFalse(second.isDone(), "the second run waits while the first holds the entry");
        first.write(received(tokenResponse()), "public");
        first.close();
        assertEquals("at-1", second.get(10, TimeUnit.SECONDS).orElseThrow().tokens().accessToken());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("Another ocs-login run holds the cached tokens of these settings (it signs in or refreshes them); waiting"));
    }

    @Test
    void aLockHeldTooLongEndsTheWaitWithAClearError() throws Exception {
        try (TokenCache.Locked first = cache().open(KEY, Duration.ofSeconds(5), log)) {
            LoginException e = CompletableFuture.supplyAsync(() ->
                    assertThrows(LoginException.class, () -> cache().open(KEY, Duration.ofSeconds(1), log))).get(10, TimeUnit.SECONDS);
            assertEquals(LoginException.Exit.CACHE_FAILED, e.exit());
            assertTrue(e.getMessage().contains("kept the cached tokens of these settings locked for 1 s"), e.getMessage());
        }
    }

    /** What a killed run left: this entry's temporary files go at once, others' once they are an hour old. */
    @Test
    void leftoversOfAKilledRunAreRemovedByTheNextOne() throws Exception {
        Path folder = write(tokenResponse()).getParent();
        Path ours = Files.writeString(folder.resolve(".tmp-" + KEY.fileName() + "-0123456789ab"), "half an entry");
        Path oldOther = Files.writeString(folder.resolve(".tmp-another.json-ba9876543210"), "half of another");
        Files.setLastModifiedTime(oldOther, java.nio.file.attribute.FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path freshOther = Files.writeString(folder.resolve(".tmp-third.json-aaaaaaaaaaaa"), "another run is writing this");
        read();
        assertFalse(Files.exists(ours), "this entry's leftover is gone");
        assertFalse(Files.exists(oldOther), "an hour-old leftover is gone");
        assertTrue(Files.exists(freshOther), "another run's file that may still be written is kept");
    }

    /**
     * No second lookup by name: once the folder is open, what is written goes into it, even when the
     * name now leads to another folder.
     */
    @Test
    void aFolderSwappedAfterItWasOpenedIsNotWrittenThrough() throws Exception {
        Path folder = home.resolve("tokens");
        Path elsewhere = Files.createDirectories(home.resolve("elsewhere"));
        Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rwx------"));
        try (TokenCache.Locked entry = cache().open(KEY, Duration.ofSeconds(5), log)) {
            Files.move(folder, home.resolve("tokens-moved"));
            Files.createSymbolicLink(folder, elsewhere);
            entry.write(received(tokenResponse()), "public");
        }
        try (var files = Files.list(elsewhere)) {
            assertEquals(List.of(), files.toList(), "nothing was written where the name leads now");
        }
        assertTrue(Files.exists(home.resolve("tokens-moved").resolve(KEY.fileName())), "the entry is in the folder that was opened");
    }

    @Test
    void aSymbolicLinkAsAFolderOfTheCacheIsRefused() throws Exception {
        Path real = Files.createDirectories(home.resolve("real"));
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwx------"));
        Files.createSymbolicLink(home.resolve("tokens"), real);
        LoginException e = assertThrows(LoginException.class, () -> cache().open(KEY, Duration.ofSeconds(1), log));
        assertEquals(LoginException.Exit.CACHE_FAILED, e.exit());
        assertTrue(e.getMessage().contains(home.resolve("tokens") + " is a symbolic link"), e.getMessage());
    }

    /** The cache's parent may be shared only when it is sticky, like /tmp: otherwise anyone could rename the cache away. */
    @Test
    void aParentOthersCanWriteIsRefusedUnlessSticky() throws Exception {
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxrwxrwx"));
        LoginException e = assertThrows(LoginException.class, () -> cache().open(KEY, Duration.ofSeconds(1), log));
        assertTrue(e.getMessage().contains(home + " can be written by other users and is not sticky"), e.getMessage());
        assertEquals(0, new ProcessBuilder("chmod", "1777", home.toString()).start().waitFor());
        try (TokenCache.Locked entry = cache().open(KEY, Duration.ofSeconds(1), log)) {
            assertEquals(Optional.empty(), entry.read(log), "a sticky parent is fine");
        }
    }

    /** An expires_at out of Instant's range (or of any token's lifetime) is an unknown expiry, never a crash (issue 22). */
    @Test
    void anExpiryOutOfRangeIsAnUnknownExpiryAndNeverBreaksTheStatus() throws Exception {
        Path file = write(tokenResponse());
        String valid = Files.readString(file);
        for (Object expiresAt : List.of(Long.MAX_VALUE, Long.MIN_VALUE, 1e300, -31557014167219200L, 31556889864403199L, 12.5, "soon")) {
            Files.writeString(file, new JSONObject(valid).put("expires_at", expiresAt).toString());
            TokenCache.Entry entry = read().orElseThrow(() -> new AssertionError(expiresAt + ": the entry is kept for its refresh token"));
            assertEquals(Optional.empty(), entry.tokens().expiresAt(), String.valueOf(expiresAt));
            assertFalse(entry.tokens().validFor(Duration.ZERO, Instant.now()), "never taken as fresh");
        }
        Files.writeString(file, new JSONObject(valid).put("expires_at", 31556889864403199L).toString());
        Path second = home.resolve("tokens").resolve(new TokenCache.Key("https://idp.example/realms/r", "other", "s", "", false).fileName());
        Files.writeString(second, "{\"format\": \"" + TokenCache.FORMAT + "\", \"key\": {\"issuer\": \"https://x\", \"client_id\": \"c\"},"
                + " \"tokens\": {\"access_token\": \"a\", \"id_token_claims\": \"not an object\"}, \"expires_at\": 1e300}");
        Files.setPosixFilePermissions(second, PosixFilePermissions.fromString("rw-------"));
        Cli.Run status = Cli.run(Browser.NONE, "--status", "--cache-dir", home.resolve("tokens").toString());
        String listed = status.out();
        assertEquals(0, status.exitCode(), status.toString());
        assertEquals(2, listed.lines().count(), listed);
        assertTrue(listed.contains("client cli (public)  scope 'openid ocsapi'  user user-1  expires unknown"), listed);
        Cli.Run json = Cli.run(Browser.NONE, "--status", "-o", "json", "--cache-dir", home.resolve("tokens").toString());
        assertEquals(2, new org.json.JSONArray(json.out()).length());
    }

    /** What is written can be read back: an ID token with 1,500 groups (about 600 KiB of entry) is cached and used (issue 22). */
    @Test
    void aLargeEntryIsReadBackAndOneTooLargeIsNotWritten() throws Exception {
        List<String> groups = new java.util.ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            groups.add("/organisation/department-" + i + "/team-with-a-long-name-" + i + "/role-" + "x".repeat(100));
        }
        JSONObject large = tokenResponse().put("id_token_claims", new JSONObject().put("sub", "user-1").put("groups", groups));
        large.put("id_token", "h." + "p".repeat(300_000) + ".s");
        Path file = write(large);
        assertTrue(Files.size(file) > 256 * 1024, Files.size(file) + " bytes");
        assertEquals("at-1", read().orElseThrow().tokens().accessToken(), "read back");
        JSONObject tooLarge = tokenResponse().put("id_token", "h." + "p".repeat(TokenCache.MAX_ENTRY_BYTES) + ".s");
        LoginException e = assertThrows(LoginException.class, () -> write(tooLarge));
        assertTrue(e.getMessage().startsWith("The tokens are not cached: with "), e.getMessage());
        assertEquals("at-1", read().orElseThrow().tokens().accessToken(), "the entry before stays");
    }
}
