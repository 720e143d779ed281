import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * The one local Keycloak of a test run: started in the background when the run begins (so that the
 * unit tests run while it boots), and stopped at the end if this run started it.
 */
final class TestKeycloak {

    private static CompletableFuture<LocalKeycloak> keycloak;

    private TestKeycloak() {
    }

    static synchronized void startInBackground() {
        if (keycloak == null) {
            keycloak = CompletableFuture.supplyAsync(() -> {
                try {
                    return LocalKeycloak.ensureRunning(LocalKeycloak.demoIssuer(), line -> System.out.println("[keycloak] " + line));
                } catch (LoginException e) {
                    throw new CompletionException(e);
                }
            });
        }
    }

    /** The running Keycloak; waits for it to finish starting. */
    static LocalKeycloak get() {
        startInBackground();
        try {
            return keycloak.get(5, TimeUnit.MINUTES);
        } catch (Exception e) {
            throw new IllegalStateException("The local Keycloak could not be started: " + e.getMessage(), e);
        }
    }

    /** Stops Keycloak if this run started it, waiting first for a start still under way. */
    static synchronized void stop() {
        if (keycloak != null) {
            try {
                keycloak.get(5, TimeUnit.MINUTES).close();
            } catch (Exception e) {
                // it never started, and said why to the tests that needed it
            }
        }
    }

    /** keycloak/demo.ini's [Configuration], with command-line overrides (e.g. another ClientId). */
    static LoginConfig config(LoginConfig.Overrides overrides) {
        get();
        try {
            return Demo.config(overrides);
        } catch (LoginException e) {
            throw new IllegalStateException(e);
        }
    }

    static LoginConfig config() {
        return config(LoginConfig.Overrides.NONE);
    }

    static String username() {
        return demoUser().get("username");
    }

    static String password() {
        return demoUser().get("password");
    }

    static URI issuer() {
        return get().issuer();
    }

    private static Map<String, String> demoUser() {
        try {
            return LocalKeycloak.demoIni().get("Test");
        } catch (LoginException e) {
            throw new IllegalStateException(e);
        }
    }
}
