import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.json.JSONObject;

/**
 * {@code --client-credentials}: a machine's login for scripts and CI (RFC 6749 §4.4), for OCS's
 * Client Credential clients and any provider. No browser, no refresh token, no ID token: the client
 * signs in with its own secret, read from {@code OCS_LOGIN_CLIENT_SECRET} or a {@code ClientSecretFile}
 * that only this user can read; never from an argument, which every local user can see.
 */
final class MachineLogin {

    /** A client secret is a line of text; a larger file is the wrong one. */
    private static final int MAX_SECRET_BYTES = 4096;

    private MachineLogin() {
    }

    /** Steps 2 to 5 of a machine: the token request with the client's credentials, and its check. */
    static JSONObject login(ProviderConnection connection, LoginConfig config, char[] secret, Log log) throws LoginException {
        IdentityProvider provider = connection.provider();
        log.step(2, "Asking for a token with the client's credentials at " + provider.tokenEndpoint() + " (RFC 6749 §4.4)"
                + config.machineScope().map(scope -> ", scope '" + scope + "'").orElse(", no scope"));
        JSONObject tokens = provider.clientCredentials(connection.http(), config.clientId(), secret, config.machineScope());
        java.util.Arrays.fill(secret, '\0');
        tokens.remove("id_token"); // not validated, so not passed on: a machine is no person
        JSONObject checked = connection.check().ofMachine(tokens, log);
        log.step(3, "Got an access token" + TokenCheck.validFor(checked) + "; it goes to stdout");
        return checked;
    }

    /**
     * The client's secret: {@link Setting#CLIENT_SECRET_VARIABLE}, else the {@code ClientSecretFile}, which must be
     * this user's alone (no link, not readable or writable by others, in a folder that passes the rule
     * of {@link PrivateFolder}).
     */
    static char[] secret(LoginConfig config, Map<String, String> environment) throws LoginException {
        String fromEnvironment = environment.get(Setting.CLIENT_SECRET_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment.strip().toCharArray();
        }
        if (config.clientSecretFile().isEmpty()) {
            throw new LoginException(LoginException.Exit.CONFIG_KEY_MISSING, "--client-credentials needs the client's secret: in the"
                    + " environment variable " + Setting.CLIENT_SECRET_VARIABLE + ", or in a file only you can read (chmod 600) named by"
                    + " ClientSecretFile in config.ini or --client-secret-file; never on the command line");
        }
        Path file = config.clientSecretFile().get().toAbsolutePath().normalize();
        try (PrivateFolder folder = PrivateFolder.open(file.getParent())) {
            Optional<PrivateFolder.Contents> contents = folder.read(file.getFileName().toString(), MAX_SECRET_BYTES);
            if (contents.isEmpty()) {
                throw new LoginException(LoginException.Exit.CONFIG_INVALID, "The client secret file " + file + " is gone");
            }
            if (contents.get().readableByOthers()) {
                throw new LoginException(LoginException.Exit.CACHE_FAILED, "The client secret file " + file + " can be read by other"
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
            return secret.toCharArray();
        } catch (PrivateFolder.Unsafe e) {
            throw new LoginException(LoginException.Exit.CACHE_FAILED, "The client secret file is not used: " + e.getMessage()
                    + "; it must be yours alone, in a folder of yours");
        } catch (IOException e) {
            throw new LoginException(LoginException.Exit.CONFIG_INVALID, "The client secret file " + file + " cannot be read: " + e, e);
        }
    }
}
