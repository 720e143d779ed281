import java.net.URI;
import java.util.List;
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

    /** Keycloak's https listener, with a certificate of {@link TestCertificates}' CA. */
    static final int HTTPS_PORT = 18443;

    static synchronized void startInBackground() {
        if (keycloak == null) {
            keycloak = CompletableFuture.supplyAsync(() -> {
                try {
                    if (LocalKeycloak.answers(LocalKeycloak.demoIssuer()) && !httpsAnswers()) {
                        System.out.println("[keycloak] The running Keycloak has no https listener for the tests: restarting it");
                        LocalKeycloak.main("stop");
                    }
                    return LocalKeycloak.ensureRunning(LocalKeycloak.demoIssuer(), line -> System.out.println("[keycloak] " + line),
                            List.of("--https-port=" + HTTPS_PORT, "--https-key-store-file=" + TestCertificates.serverKeyStore(),
                                    "--https-key-store-password=" + TestCertificates.PASSWORD));
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
        }
    }

    /** Whether something listens on the https port. */
    static boolean httpsAnswers() {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", HTTPS_PORT), 1000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The demo realm's issuer over https, at {@code host} (localhost, or keycloak.invalid through a proxy). */
    static URI httpsIssuer(String host) {
        get();
        return URI.create("https://" + host + ":" + HTTPS_PORT + "/realms/ocs-pkce-demo");
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

    /** How many token requests (code exchanges and refreshes) Keycloak has logged for {@code clientId}. */
    static int tokenRequests(String clientId) throws Exception {
        get();
        try (var lines = java.nio.file.Files.lines(LocalKeycloak.log())) {
            return (int) lines.filter(line -> line.contains("type=\"CODE_TO_TOKEN\"") || line.contains("type=\"REFRESH_TOKEN\""))
                    .filter(line -> line.contains("clientId=\"" + clientId + "\""))
                    .count();
        }
    }

    /** The status of Keycloak's userinfo endpoint for {@code accessToken}: 200 when Keycloak accepts the token. */
    static int userinfoStatus(String accessToken) {
        try (kong.unirest.core.UnirestInstance unirest = kong.unirest.core.Unirest.spawnInstance()) {
            return unirest.get(issuer() + "/protocol/openid-connect/userinfo").header("Authorization", "Bearer " + accessToken)
                    .asString().getStatus();
        }
    }

    /** Keycloak's answer to a refresh with {@code refreshToken}: the status and the body. */
    static kong.unirest.core.HttpResponse<String> refreshDirectly(String clientId, String refreshToken) {
        try (kong.unirest.core.UnirestInstance unirest = kong.unirest.core.Unirest.spawnInstance()) {
            return unirest.post(issuer() + "/protocol/openid-connect/token").field("grant_type", "refresh_token")
                    .field("client_id", clientId).field("refresh_token", refreshToken).asString();
        }
    }

    /** Ends the user's session at Keycloak (its logout endpoint, as a public client with the refresh token). */
    static void endSession(String clientId, String refreshToken) {
        try (kong.unirest.core.UnirestInstance unirest = kong.unirest.core.Unirest.spawnInstance()) {
            int status = unirest.post(issuer() + "/protocol/openid-connect/logout").field("client_id", clientId)
                    .field("refresh_token", refreshToken).asEmpty().getStatus();
            if (status != 204) {
                throw new IllegalStateException("Keycloak's logout answered " + status);
            }
        }
    }

    private static Map<String, String> demoUser() {
        try {
            return LocalKeycloak.demoUser();
        } catch (LoginException e) {
            throw new IllegalStateException(e);
        }
    }
}
