package login;

import system.Log;

/**
 * {@code --client-credentials}: a machine's login for scripts and CI (RFC 6749 §4.4), for OCS's
 * Client Credential clients and any provider. No browser, no refresh token, no ID token: the client
 * signs in with its own secret, which the connection's {@link ClientAuthentication} carries.
 */
public final class MachineLogin {

    private MachineLogin() {
    }

    /** Steps 2 and 3 of a machine: the token request with the client's credentials, and its check. */
    public static TokenResponse login(ProviderConnection connection, LoginConfig config, Log log) throws LoginException {
        if (!(connection.client() instanceof ClientAuthentication.Secret)) {
            throw new IllegalStateException("a machine's login needs the client's secret"); // the command line reads it first
        }
        log.step(2, "Asking for a token with the client's credentials at " + connection.provider().tokenEndpoint()
                + " (RFC 6749 section 4.4)" + config.machineScope().map(scope -> ", scope '" + scope + "'").orElse(", no scope"));
        TokenResponse tokens = connection.clientCredentials(log);
        log.step(3, "Got an access token" + tokens.validFor() + "; it goes to stdout");
        return tokens;
    }
}
