package system;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where this user's files go, as every Unix tool finds them: {@code $HOME} (not Java's
 * {@code user.home}, which is the account's home even when {@code sudo} or {@code runuser} kept
 * another {@code HOME}), and the XDG base directories, used only when they are absolute paths (the
 * XDG spec says to ignore relative ones). On Windows, {@code %APPDATA%} and {@code %LOCALAPPDATA%}.
 */
public record UserFolders(Map<String, String> environment) {

    public static final String NAME = "ocs-pkce-login";

    public static UserFolders ofThisProcess() {
        return new UserFolders(System.getenv());
    }

    /** {@code $HOME}, or the account's home when it is unset. */
    public Path home() {
        return absolute("HOME").orElse(Path.of(System.getProperty("user.home")));
    }

    /** {@code ${XDG_CACHE_HOME:-$HOME/.cache}/ocs-pkce-login}, or {@code %LOCALAPPDATA%\ocs-pkce-login}: the cache root. */
    public Path cacheRoot() {
        return absolute("XDG_CACHE_HOME").or(() -> absolute("LOCALAPPDATA")).orElse(home().resolve(".cache")).resolve(NAME);
    }

    /** {@code ${XDG_CONFIG_HOME:-$HOME/.config}/ocs-pkce-login}, or {@code %APPDATA%\ocs-pkce-login}. */
    public Path configFolder() {
        return absolute("XDG_CONFIG_HOME").or(() -> absolute("APPDATA")).orElse(home().resolve(".config")).resolve(NAME);
    }

    /** {@code $XDG_RUNTIME_DIR/ocs-pkce-login}, a per-user folder that lives as long as the login session, where there is one. */
    public Optional<Path> runtimeFolder() {
        return absolute("XDG_RUNTIME_DIR").map(folder -> folder.resolve(NAME));
    }

    private Optional<Path> absolute(String variable) {
        return Optional.ofNullable(environment.get(variable)).filter(value -> !value.isBlank()).map(Path::of).filter(Path::isAbsolute);
    }
}
