package support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import login.TokenCache;
import org.json.JSONObject;

/**
 * Token cache entries put in place as the tool writes them (its format, in a 0700 folder, the file
 * 0600), for tests that need one there before a run: an expired one, another user's, an exposed one.
 */
public final class CacheEntries {

    private CacheEntries() {
    }

    /** Writes {@code tokens} (a token response, without expires_in) for {@code key} into {@code folder}; its file. */
    public static Path write(Path folder, TokenCache.Key key, JSONObject tokens, Instant expiresAt) throws IOException {
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Path file = folder.resolve(key.fileName());
        JSONObject entry = new JSONObject().put("format", TokenCache.FORMAT).put("key", key.toJson())
                .put("expires_at", expiresAt.getEpochSecond()).put("tokens", tokens);
        Files.writeString(file, entry.toString(2));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
