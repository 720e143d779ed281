package cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import login.ClientAuthentication;
import login.LoginConfig;
import login.LoginException;
import login.PasteBack;
import system.Keychain;
import system.Log;
import system.PrivateFolder;

/**
 * A confidential client's secret, and so how the client authenticates: read only from
 * {@code OCS_LOGIN_CLIENT_SECRET}, from the {@code ClientSecretFile}, which must be this user's
 * alone, or (with TokenStore = keychain) from the OS's keychain, where {@code --store-client-secret}
 * puts it; never from an argument, which every local user can see. No secret: a public client.
 */
final class ClientSecret {

    /** A client secret is a line of text; a larger file is the wrong one. */
    private static final int MAX_SECRET_BYTES = 4096;

    private ClientSecret() {
    }

    /**
     * The client of {@code config}: confidential when a secret is configured, else public; a machine
     * ({@code required}) must have one, and is told where it goes.
     */
    static ClientAuthentication of(LoginConfig config, Map<String, String> environment, boolean required,
            Supplier<Keychain> keychain)
            throws LoginException {
        boolean inKeychain = config.tokenStore() == LoginConfig.TokenStore.KEYCHAIN;
        Optional<char[]> secret = secret(config, environment);
        if (secret.isEmpty() && inKeychain) {
            secret = stored(config, keychain.get()).map(String::toCharArray);
        }
        String where = "the environment variable " + Setting.CLIENT_SECRET_VARIABLE + (inKeychain ? ", " : " or ") + "a file only you"
                + " can read (chmod 600) named by " + Setting.CLIENT_SECRET_FILE.key + " or " + Setting.CLIENT_SECRET_FILE.option()
                + (inKeychain ? ", or the keychain (--store-client-secret)" : "");
        if (secret.isEmpty() && required) {
            throw new LoginException(LoginException.Exit.CONFIG_KEY_MISSING, "--client-credentials needs the client's secret: in "
                    + where + "; never on the command line");
        }
        return secret.<ClientAuthentication>map(chars -> new ClientAuthentication.Secret(config.clientId(), chars, where))
                .orElseGet(() -> new ClientAuthentication.None(config.clientId(), where));
    }

    /** The keychain's item for the secret of {@code config}'s client at its provider. */
    private static String account(LoginConfig config) {
        return Keychain.account("client-secret", config.authority().toString(), config.clientId());
    }

    private static Optional<String> stored(LoginConfig config, Keychain keychain) throws LoginException {
        return LoginException.fromKeychain(() -> keychain.find(account(config)));
    }

    /**
     * {@code --store-client-secret}: one line read from {@code input} (a terminal, without echo; or a
     * pipe), stored in the keychain for {@code config}'s client at its provider. Never an argument.
     */
    static void store(LoginConfig config, PasteBack input, Keychain keychain, Log log) throws LoginException {
        log.info("The secret of client " + Log.printable(config.clientId(), 80) + " at " + config.authority() + ", one line"
                + " (typed or pasted without echo, or piped):");
        String secret = input.readLine().map(String::strip).orElse("");
        if (secret.isEmpty() || secret.length() > MAX_SECRET_BYTES) {
            throw new LoginException(LoginException.Exit.CONFIG_INVALID, "No secret was stored: it is one line of at most "
                    + MAX_SECRET_BYTES + " characters, and none came");
        }
        LoginException.inKeychain(() -> keychain.store(account(config), "ocs-pkce-login: the secret of client " + config.clientId()
                + " at " + config.authority(), secret));
        log.info("Stored it in " + keychain.name() + (config.tokenStore() == LoginConfig.TokenStore.KEYCHAIN ? ""
                : "; runs use it with TokenStore = keychain (in config.ini, " + Setting.TOKEN_STORE.option() + " or "
                        + Setting.TOKEN_STORE.variable() + ")"));
    }

    /** {@code --forget-client-secret}: removes what {@link #store} stored. */
    static void forget(LoginConfig config, Keychain keychain, Log log) throws LoginException {
        LoginException.inKeychain(() -> keychain.remove(account(config)));
        log.info("Removed the secret of client " + Log.printable(config.clientId(), 80) + " at " + config.authority() + " from "
                + keychain.name() + " (if it was there)");
    }

    /**
     * The secret: {@link Setting#CLIENT_SECRET_VARIABLE}, else the {@code ClientSecretFile}, which must
     * be this user's alone (no link, not readable or writable by others, in a folder that passes the
     * rule of {@link PrivateFolder}); empty when neither is set.
     */
    private static Optional<char[]> secret(LoginConfig config, Map<String, String> environment) throws LoginException {
        String fromEnvironment = environment.get(Setting.CLIENT_SECRET_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return Optional.of(fromEnvironment.strip().toCharArray());
        }
        if (config.clientSecretFile().isEmpty()) {
            return Optional.empty();
        }
        Path file = config.clientSecretFile().get().toAbsolutePath().normalize();
        try (PrivateFolder folder = PrivateFolder.open(file.getParent())) {
            Optional<PrivateFolder.Contents> contents = folder.read(file.getFileName().toString(), MAX_SECRET_BYTES);
            if (contents.isEmpty()) {
                throw new LoginException(LoginException.Exit.CONFIG_INVALID, "The client secret file " + file + " is gone");
            }
            if (contents.get().readableByOthers()) {
                throw new LoginException(LoginException.Exit.SECRET_UNSAFE, "The client secret file " + file + " can be read by other"
                        + " users, so it is not used: make it yours alone (chmod 600 " + file + ")");
            }
            if (contents.get().bytes().length > MAX_SECRET_BYTES) {
                throw new LoginException(LoginException.Exit.CONFIG_INVALID, "The client secret file " + file + " is larger than "
                        + MAX_SECRET_BYTES + " bytes; it holds the secret alone, on one line");
            }
            String secret = new String(contents.get().bytes(), StandardCharsets.UTF_8).strip();
            if (secret.isEmpty() || secret.contains("\n")) {
                throw new LoginException(LoginException.Exit.CONFIG_INVALID, "The client secret file " + file
                        + " must hold the secret alone, on one line");
            }
            return Optional.of(secret.toCharArray());
        } catch (PrivateFolder.Unsafe e) {
            throw new LoginException(LoginException.Exit.SECRET_UNSAFE, e.refusing("The client secret file " + file,
                    "put it in a folder of yours, or the secret in " + Setting.CLIENT_SECRET_VARIABLE));
        } catch (IOException e) {
            throw new LoginException(LoginException.Exit.CONFIG_INVALID, "The client secret file " + file + " cannot be read: " + e, e);
        }
    }
}
