package support;

import keycloak.LocalKeycloak;
import system.IniFile;
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
public final class TestKeycloak {

    private static CompletableFuture<LocalKeycloak> keycloak;
    /** Whether this run started it: then it stops it at the end. */
    private static volatile boolean startedHere;

    private TestKeycloak() {
    }

    /** Keycloak's https listener, with a certificate of {@link TestCertificates}' CA. */
    public static final int HTTPS_PORT = 18443;

    public static synchronized void startInBackground() {
        if (keycloak == null) {
            keycloak = CompletableFuture.supplyAsync(() -> {
                try {
                    if (LocalKeycloak.answers(LocalKeycloak.demoIssuer()) && !httpsAnswers()) {
                        System.out.println("[keycloak] The running Keycloak has no https listener for the tests: restarting it");
                        LocalKeycloak.stop(java.util.Optional.of(LocalKeycloak.demoIssuer().getPort()), line -> System.out.println("[keycloak] " + line));
                    }
                    boolean wasRunning = LocalKeycloak.answers(LocalKeycloak.demoIssuer());
                    LocalKeycloak running = LocalKeycloak.ensureRunning(LocalKeycloak.demoIssuer(), line -> System.out.println("[keycloak] " + line),
                            List.of("--https-port=" + HTTPS_PORT, "--https-key-store-file=" + TestCertificates.serverKeyStore(),
                                    "--https-key-store-password=" + TestCertificates.PASSWORD), LocalKeycloak.Lifetime.UNTIL_STOPPED);
                    startedHere = !wasRunning;
                    return running;
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
        }
    }

    /** Whether something listens on the https port. */
    public static boolean httpsAnswers() {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", HTTPS_PORT), 1000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The demo realm's issuer over https, at {@code host} (localhost, or keycloak.invalid through a proxy). */
    public static URI httpsIssuer(String host) {
        get();
        return URI.create("https://" + host + ":" + HTTPS_PORT + "/realms/ocs-pkce-demo");
    }

    /** The running Keycloak; waits for it to finish starting. */
    public static LocalKeycloak get() {
        startInBackground();
        try {
            return keycloak.get(5, TimeUnit.MINUTES);
        } catch (Exception e) {
            throw new IllegalStateException("The local Keycloak could not be started: " + e.getMessage(), e);
        }
    }

    /** Stops Keycloak if this run started it, waiting first for a start still under way. */
    public static synchronized void stop() {
        if (keycloak != null) {
            try {
                keycloak.get(5, TimeUnit.MINUTES);
                if (startedHere) {
                    LocalKeycloak.stop(java.util.Optional.of(LocalKeycloak.demoIssuer().getPort()), line -> System.out.println("[keycloak] " + line));
                }
            } catch (Exception e) {
                // it never started, and said why to the tests that needed it
            }
        }
    }

    public static String username() {
        return demoUser().get("username");
    }

    public static String password() {
        return demoUser().get("password");
    }

    public static URI issuer() {
        return get().issuer();
    }

    /** How many token requests (code exchanges and refreshes) Keycloak has logged for {@code clientId}. */
    public static int tokenRequests(String clientId) throws Exception {
        get();
        try (var lines = java.nio.file.Files.lines(LocalKeycloak.log())) {
            return (int) lines.filter(line -> line.contains("type=\"CODE_TO_TOKEN\"") || line.contains("type=\"REFRESH_TOKEN\""))
                    .filter(line -> line.contains("clientId=\"" + clientId + "\""))
                    .count();
        }
    }

    /** The status of Keycloak's userinfo endpoint for {@code accessToken}: 200 when Keycloak accepts the token. */
    public static int userinfoStatus(String accessToken) {
        try (kong.unirest.core.UnirestInstance unirest = kong.unirest.core.Unirest.spawnInstance()) {
            return unirest.get(issuer() + "/protocol/openid-connect/userinfo").header("Authorization", "Bearer " + accessToken)
                    .asString().getStatus();
        }
    }

    /** Keycloak's answer to a refresh with {@code refreshToken}: the status and the body. */
    public static kong.unirest.core.HttpResponse<String> refreshDirectly(String clientId, String refreshToken) {
        try (kong.unirest.core.UnirestInstance unirest = kong.unirest.core.Unirest.spawnInstance()) {
            return unirest.post(issuer() + "/protocol/openid-connect/token").field("grant_type", "refresh_token")
                    .field("client_id", clientId).field("refresh_token", refreshToken).asString();
        }
    }

    /** Ends the user's session at Keycloak (its logout endpoint, as a public client with the refresh token). */
    public static void endSession(String clientId, String refreshToken) {
        try (kong.unirest.core.UnirestInstance unirest = kong.unirest.core.Unirest.spawnInstance()) {
            int status = unirest.post(issuer() + "/protocol/openid-connect/logout").field("client_id", clientId)
                    .field("refresh_token", refreshToken).asEmpty().getStatus();
            if (status != 204) {
                throw new IllegalStateException("Keycloak's logout answered " + status);
            }
        }
    }

    /** The demo user of keycloak/demo.ini's [Test]. */
    private static Map<String, String> demoUser() {
        try {
            Map<String, String> user = new java.util.HashMap<>();
            IniFile.parse("demo.ini", LocalKeycloak.demoIni()).section("Test").values().forEach((key, value) -> user.put(key, value.value()));
            return user;
        } catch (IniFile.Unreadable e) {
            throw new IllegalStateException(e);
        }
    }
}
