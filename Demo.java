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
        return LoginConfig.fromSection("demo.ini (built in)", LocalKeycloak.demoIni().get(LoginConfig.SECTION), overrides);
    }

    /**
     * Makes sure the demo's Keycloak serves {@code config}'s issuer (starting it when it does not run)
     * and names the demo user. Closing the result stops Keycloak again if it was started here.
     */
    static LocalKeycloak start(LoginConfig config, Log log) throws LoginException {
        LocalKeycloak keycloak = LocalKeycloak.ensureRunning(config.authority(), log::info);
        Map<String, String> user = LocalKeycloak.demoIni().get("Test");
        log.info("Demo: a local Keycloak stands in for OCS. Sign in as '" + user.get("username")
                + "' with the password '" + user.get("password") + "'.");
        return keycloak;
    }
}
