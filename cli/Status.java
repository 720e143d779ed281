package cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import login.LoginConfig;
import login.LoginException;
import login.TokenCache;
import login.TokenResponse;
import org.json.JSONArray;
import org.json.JSONObject;
import system.Log;

/**
 * {@code --status}: the cached logins, one line each (or a JSON array): provider, client (and its
 * kind: public, or confidential with a secret), tenant,
 * scope, who signed in (from the validated ID token claims), the access token's expiry, and whether
 * a refresh token is held; and the profile of config.ini that signs in there, if one does. No token
 * is ever printed, and no network call made.
 */
final class Status {

    private Status() {
    }

    static void print(Arguments arguments, PrintStream out, Log log) throws LoginException {
        boolean json = arguments.output() == Arguments.Output.JSON;
        TokenCache tokens = TokenCache.in(arguments.cache().folder());
        Map<String, LoginConfig> profiles = profiles(arguments);
        java.util.List<TokenCache.Listed> listed = tokens.list();
        JSONArray all = new JSONArray();
        Instant now = Instant.now();
        for (TokenCache.Listed item : listed) {
            try {
                if (item.tokens().isEmpty()) {
                    if (!json) {
                        out.println(Log.printable(item.file(), 80) + ": " + item.problem() + " (it is replaced by the next login of its settings)");
                    }
                    continue;
                }
                line(item, profileOf(item.key().orElseThrow(), profiles), json, now, all, out);
            } catch (RuntimeException e) { // one entry that cannot be shown never hides the others
                if (!json) {
                    out.println(Log.printable(item.file(), 80) + ": damaged (it is replaced by the next login of its settings)");
                }
            }
        }
        if (json) {
            out.println(Log.printableJson(all.toString(2)));
        } else if (listed.isEmpty()) {
            log.info("No cached logins in " + tokens.folder());
        }
        out.flush();
    }

    /** The profiles of the config file a login would use ([profile NAME] sections), by name; none when there is no such file. */
    private static Map<String, LoginConfig> profiles(Arguments arguments) {
        try {
            return ConfigFiles.file(arguments.configFile(), System.getenv(), Path.of("").toAbsolutePath())
                    .map(ConfigFiles::profileConfigs).orElse(Map.of());
        } catch (LoginException notUsable) {
            return Map.of();
        }
    }

    /** The profile whose provider, client and tenant are the entry's, if one is. */
    private static Optional<String> profileOf(TokenCache.Key key, Map<String, LoginConfig> profiles) {
        return profiles.entrySet().stream().filter(profile -> TokenCache.Key.of(profile.getValue()).issuer().equals(key.issuer())
                && profile.getValue().clientId().equals(key.clientId()) && profile.getValue().tenantId().orElse("").equals(key.tenant()))
                .map(Map.Entry::getKey).findFirst();
    }

    /** One entry: a line of text, or an object of the JSON array. */
    private static void line(TokenCache.Listed item, Optional<String> profile, boolean json, Instant now, JSONArray all, PrintStream out) {
        TokenCache.Key key = item.key().orElseThrow();
        TokenResponse entry = item.tokens().orElseThrow();
        String user = key.machine() ? "(a machine: client credentials)" : entry.user().orElse("(no ID token)");
        String kind = key.machine() ? "confidential" : item.clientKind().orElse("public");
        JSONObject line = new JSONObject().put("issuer", key.issuer()).put("client_id", key.clientId()).put("client", kind)
                .put("tenant", key.tenant()).put("scope", key.scope()).put("user", user).put("refresh_token", entry.refreshToken().isPresent())
                .put("store", item.inKeychain() ? "keychain" : "file").put("readable_by_others", item.exposed());
        profile.ifPresent(name -> line.put("profile", name));
        entry.expiresAt().ifPresent(at -> line.put("expires_at", at.getEpochSecond()).put("expires_in", Duration.between(now, at).getSeconds()));
        all.put(line);
        if (!json) {
            String expiry = entry.expiresAt().map(at -> DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
                    .format(LocalDateTime.ofInstant(at, ZoneId.systemDefault())) + (at.isAfter(now)
                    ? " (in " + Duration.between(now, at).getSeconds() + " s)" : " (expired)")).orElse("unknown");
            out.println(profile.map(name -> "[" + Log.printable(name, 60) + "]  ").orElse("") + Log.printable(key.issuer(), 120) + "  client " + Log.printable(key.clientId(), 60) + " (" + kind + ")"
                    + (key.tenant().isEmpty() ? "" : "  tenant " + Log.printable(key.tenant(), 60))
                    + "  scope '" + Log.printable(key.scope(), 80) + "'  user " + Log.printable(user, 80) + "  expires " + expiry
                    + "  refresh token: " + (entry.refreshToken().isPresent() ? "yes" : "no") + (item.inKeychain() ? "  (in the keychain)" : "")
                    + (item.exposed() ? "  (readable by other users: the next run revokes and replaces it)" : ""));
        }
    }
}
