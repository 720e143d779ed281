package login;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.json.JSONObject;
import system.Keychain;

/**
 * The secrets of token cache entries kept in the OS's keychain (TokenStore = keychain): one item per
 * entry, holding its access, refresh and ID tokens and its key; the entry's file holds
 * {@link #MARK} in their place, and {@code "secrets": "keychain"}. The keychain is made only when an
 * entry needs it, so that a run with files alone starts no tool.
 */
final class KeptInKeychain {

    /** An entry's {@code secrets} when they are in the keychain. */
    static final String KEYCHAIN = "keychain";
    /** What an entry's file has in place of each secret: a mark, never a token. */
    static final String MARK = "(in the keychain)";
    /** The fields of a token response that are secrets. */
    private static final List<String> SECRET_FIELDS = List.of("access_token", "refresh_token", "id_token");

    private final Supplier<Keychain> keychain;

    KeptInKeychain(Supplier<Keychain> keychain) {
        this.keychain = keychain;
    }

    String name() {
        return keychain.get().name();
    }

    /** The keychain's item for the entry of {@code key}. */
    private static String account(TokenCache.Key key) {
        return Keychain.account("tokens", key.toJson().toString());
    }

    /** That the keychain takes secrets (unlocked, there): before a sign-in, so that it is said first. */
    void check() throws LoginException {
        LoginException.inKeychain(() -> keychain.get().store("keychain-check", "ocs-pkce-login: shows that the keychain takes its secrets (holds none)", "usable"));
    }

    /** Moves the secrets of {@code tokens} (a response, as an entry keeps it) into the keychain, marking their places. */
    void store(TokenCache.Key key, JSONObject tokens) throws LoginException {
        JSONObject secrets = new JSONObject().put("key", key.toJson());
        for (String field : SECRET_FIELDS) {
            if (tokens.opt(field) instanceof String value) {
                secrets.put(field, value);
                tokens.put(field, MARK);
            }
        }
        LoginException.inKeychain(() -> keychain.get().store(account(key), "ocs-pkce-login: the tokens of client " + key.clientId() + " at " + key.issuer(),
                secrets.toString()));
    }

    /**
     * Puts the secrets of the entry of {@code key} back into {@code tokens}; false when the keychain
     * no longer has them, or its item is another entry's.
     */
    boolean restore(TokenCache.Key key, JSONObject tokens) throws LoginException {
        Optional<String> stored = LoginException.fromKeychain(() -> keychain.get().find(account(key)));
        if (stored.isEmpty()) {
            return false;
        }
        JSONObject secrets = new JSONObject(stored.get());
        if (!key.toJson().similar(secrets.optJSONObject("key"))) {
            return false;
        }
        for (String field : SECRET_FIELDS) {
            tokens.remove(field);
            if (secrets.opt(field) instanceof String value) {
                tokens.put(field, value);
            }
        }
        return true;
    }

    /** Removes the secrets of the entry of {@code key}. */
    void remove(TokenCache.Key key) throws LoginException {
        LoginException.inKeychain(() -> keychain.get().remove(account(key)));
    }
}
