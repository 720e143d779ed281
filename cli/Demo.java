package cli;

import java.util.List;
import java.util.Map;
import keycloak.LocalKeycloak;
import login.ClientAuthentication;
import login.Limits;
import login.LoginConfig;
import login.LoginException;
import login.ProviderConnection;
import system.IniFile;
import system.Log;

/**
 * {@code --demo}: the same login against a real identity provider on this machine, a Keycloak from
 * {@link LocalKeycloak} that stands in for OCS. The login's own classes know nothing of Keycloak;
 * this file is the whole of the wiring.
 */
final class Demo {

    private static final String SOURCE = "the built-in demo.ini (keycloak/demo.ini)";

    private Demo() {
    }

    /** The built-in {@code keycloak/demo.ini}'s [Configuration], with the command line's values over it. */
    static LoginConfig config(Overrides overrides) throws LoginException {
        return ConfigFiles.fromIni(SOURCE, demoIni(), overrides);
    }

    /** The demo user of keycloak/demo.ini's [Test]: username and password. */
    static Map<String, String> demoUser() throws LoginException {
        Map<String, String> user = new java.util.HashMap<>();
        demoIni().section("Test").values().forEach((key, value) -> user.put(key, value.value()));
        return user;
    }

    private static IniFile demoIni() throws LoginException {
        return ConfigFiles.parse(SOURCE, LocalKeycloak.demoIni());
    }

    /**
     * The connection of a demo run: when the run first needs the network, the demo's Keycloak is made
     * to serve {@code config}'s issuer (started when it does not run, and then left up for the next
     * runs until it is idle), and the demo user is named.
     */
    static ProviderConnection.Opener connect(LoginConfig config, ClientAuthentication client, Limits limits, Log log) {
        return () -> {
            try {
                LocalKeycloak.ensureRunning(config.authority(), log::info, List.of(), LocalKeycloak.Lifetime.WHILE_USED);
            } catch (LocalKeycloak.Failed e) {
                throw new LoginException(LoginException.Exit.KEYCLOAK_FAILED, e.getMessage(), e);
            }
            Map<String, String> user = demoUser();
            log.info("Demo: a local Keycloak stands in for OCS. Sign in as '" + user.get("username")
                    + "' with the password '" + user.get("password") + "'. It stays up until it has not been used for "
                    + LocalKeycloak.idleTime() + ", so that the next --demo answers at once"
                    + " (./jbang LocalKeycloak.java stop ends it now).");
            return ProviderConnection.open(config, client, limits, log);
        };
    }
}
