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
     * to serve {@code config}'s issuer (started when it does not run, and then left up for the next
     * runs until it is idle), and the demo user is named.
     */
    static ProviderConnection.Opener connect(LoginConfig config, Limits limits, Log log) {
        return () -> {
            LocalKeycloak.ensureRunning(config.authority(), log::info, java.util.List.of(), LocalKeycloak.Lifetime.WHILE_USED);
            Map<String, String> user = LocalKeycloak.demoUser();
            log.info("Demo: a local Keycloak stands in for OCS. Sign in as '" + user.get("username")
                    + "' with the password '" + user.get("password") + "'. It stays up until it has not been used for "
                    + LocalKeycloak.idleTime() + ", so that the next --demo answers at once"
                    + " (./jbang LocalKeycloak.java stop ends it now).");
            return ProviderConnection.open(config, limits, log);
        };
    }
}
