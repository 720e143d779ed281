import java.util.Map;

/**
 * {@code --demo}: the same login against a real identity provider on this machine, a Keycloak from
 * {@link LocalKeycloak} that stands in for OCS. The login's own classes know nothing of Keycloak;
 * this file is the whole of the wiring.
 */
final class Demo {

    private Demo() {
    }

    /** The built-in {@code keycloak/demo.ini}'s [Configuration], with the command line's values over it. */
    static LoginConfig config(LoginConfig.Overrides overrides) throws LoginException {
        return LoginConfig.fromIni("the built-in demo.ini (keycloak/demo.ini)", LocalKeycloak.demoIni(), overrides);
    }

    /**
     * The connection of a demo run: when the run first needs the network, the demo's Keycloak is made
     * to serve {@code config}'s issuer (started when it does not run), and the demo user is named.
     */
    static ProviderConnection.Opener connect(LoginConfig config, Limits limits, Log log, Cancellation cancellation) {
        return () -> {
            LocalKeycloak keycloak = cancellation.closeIfCancelled(LocalKeycloak.ensureRunning(config.authority(), log::info));
            Map<String, String> user = LocalKeycloak.demoUser();
            log.info("Demo: a local Keycloak stands in for OCS. Sign in as '" + user.get("username")
                    + "' with the password '" + user.get("password") + "'.");
            try {
                return ProviderConnection.open(config, limits, log).alsoClosing(keycloak);
            } catch (LoginException | RuntimeException e) {
                keycloak.close();
                throw e;
            }
        };
    }
}
