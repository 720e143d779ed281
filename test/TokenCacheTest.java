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
import java.nio.file.attribute.UserPrincipal;
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

    static final TokenCache.Key KEY = new TokenCache.Key("https://idp.example/realms/r", "cli", "openid ocsapi", "");

    @TempDir
    Path home;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Log log = new Log(new PrintStream(err, true, StandardCharsets.UTF_8), false, false);

    private TokenCache cache() {
        return new TokenCache(home.resolve("tokens"));
    }

    static JSONObject tokenResponse() {
        return new JSONObject().put("access_token", "at-1").put("token_type", "Bearer").put("expires_in", 300)
                .put("refresh_token", "rt-1").put("id_token", "it-1").put("scope", "openid ocsapi")
                .put("id_token_claims", new JSONObject().put("sub", "user-1"));
    }

    private Optional<TokenCache.Entry> read() throws LoginException {
        try (TokenCache.Locked entry = cache().open(KEY, Duration.ofSeconds(5), log)) {
            return entry.read(log);
        }
    }

    private Path write(JSONObject tokens) throws LoginException {
        try (TokenCache.Locked entry = cache().open(KEY, Duration.ofSeconds(5), log)) {
            entry.write(TokenCache.Entry.of(tokens, Instant.now()));
            return entry.file();
        }
    }

    @Test
    void anEntryIsWrittenPrivatelyAndReadBack() throws Exception {
        Path file = write(tokenResponse());
        assertEquals("rwx------", PrivateFiles.mode(file.getParent()));
        assertEquals("rw-------", PrivateFiles.mode(file));
        TokenCache.Entry entry = read().orElseThrow();
        assertEquals("at-1", entry.tokens().getString("access_token"));
        assertEquals(Optional.of("rt-1"), entry.refreshToken());
        assertTrue(entry.validFor(Duration.ofSeconds(60), Instant.now()));
        assertFalse(entry.validFor(Duration.ofSeconds(301), Instant.now()));
        long left = entry.response(Instant.now()).getLong("expires_in");
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
        assertFalse(read().orElseThrow().validFor(Duration.ZERO, Instant.now()));
    }

    @Test
    void eachSettingHasItsOwnEntry() {
        TokenCache.Key other = new TokenCache.Key(KEY.issuer(), "cli", "openid", "");
        assertFalse(KEY.fileName().equals(other.fileName()));
        assertFalse(KEY.fileName().equals(new TokenCache.Key(KEY.issuer(), "cli", "openid ocsapi", "tenant-1").fileName()));
        assertTrue(KEY.fileName().matches("[0-9a-f]+\\.json"), KEY.fileName());
    }

    @Test
    void aRefreshKeepsWhatTheNewResponseLeavesOut() {
        TokenCache.Entry first = TokenCache.Entry.of(tokenResponse(), Instant.now());
        TokenCache.Entry refreshed = first.refreshedWith(new JSONObject().put("access_token", "at-2").put("token_type", "Bearer")
                .put("expires_in", 10), Instant.now());
        assertEquals("at-2", refreshed.tokens().getString("access_token"));
        assertEquals(Optional.of("rt-1"), refreshed.refreshToken());
        assertEquals("it-1", refreshed.tokens().getString("id_token"));
        assertFalse(refreshed.validFor(Duration.ofSeconds(60), Instant.now()));
        TokenCache.Entry rotated = first.refreshedWith(new JSONObject().put("access_token", "at-3").put("refresh_token", "rt-2"),
                Instant.now());
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
        damaged.put("a bad expiry", new JSONObject(valid).put("expires_at", "soon").toString().getBytes(StandardCharsets.UTF_8));
        damaged.put("huge", ("{\"format\":\"" + TokenCache.FORMAT + "\",\"x\":\"" + "a".repeat(300 * 1024) + "\"}")
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

    @Test
    void anEntryOfAnotherOwnerOrWritableByOthersIsRefused() throws Exception {
        Path file = write(tokenResponse());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        LoginException e = assertThrows(LoginException.class, this::read);
        assertEquals(LoginException.Exit.CACHE_FAILED, e.exit());
        assertTrue(e.getMessage().contains("can be written by other users"), e.getMessage());

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        UserPrincipal nobody = file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(file, nobody);
        e = assertThrows(LoginException.class, this::read);
        assertEquals(LoginException.Exit.CACHE_FAILED, e.exit());
        assertTrue(e.getMessage().contains("belongs to nobody"), e.getMessage());
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
        first.write(TokenCache.Entry.of(tokenResponse(), Instant.now()));
        first.close();
        assertEquals("at-1", second.get(10, TimeUnit.SECONDS).orElseThrow().tokens().getString("access_token"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("Another ocs-login run is signing in with these settings; waiting"));
    }

    @Test
    void aLockHeldTooLongEndsTheWaitWithAClearError() throws Exception {
        try (TokenCache.Locked first = cache().open(KEY, Duration.ofSeconds(5), log)) {
            LoginException e = CompletableFuture.supplyAsync(() ->
                    assertThrows(LoginException.class, () -> cache().open(KEY, Duration.ofSeconds(1), log))).get(10, TimeUnit.SECONDS);
            assertEquals(LoginException.Exit.CACHE_FAILED, e.exit());
            assertTrue(e.getMessage().contains("kept the token cache entry locked"), e.getMessage());
        }
    }
}
