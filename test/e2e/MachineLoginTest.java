package cli;

import login.*;
import system.*;
import support.*;
import keycloak.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import kong.unirest.core.Unirest;
import kong.unirest.core.UnirestInstance;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --client-credentials against the real Keycloak: its confidential client with a service account
 * (ocs-pkce-login-machine) gets a token that Keycloak's own introspection accepts, with the secret
 * from the environment, never on the command line, stderr or in the cache.
 */
class MachineLoginTest {

    static final String CLIENT = "ocs-pkce-login-machine";
    static final String SECRET = "demo-machine-secret-not-for-real-use";

    @TempDir
    Path cache;

    private CliProcess machine(String... extra) throws Exception {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--config", "keycloak/demo.ini", "--client-id", CLIENT,
                "--scope", "ocsapi", "--client-credentials", "--cache-dir", cache.toString(), "-v"));
        args.addAll(java.util.List.of(extra));
        return CliProcess.start(Map.of("OCS_LOGIN_CLIENT_SECRET", SECRET), args.toArray(String[]::new));
    }

    private static JSONObject introspect(String token) {
        try (UnirestInstance unirest = Unirest.spawnInstance()) {
            return new JSONObject(unirest.post(TestKeycloak.issuer() + "/protocol/openid-connect/token/introspect").basicAuth(CLIENT, SECRET)
                    .field("token", token).asString().getBody());
        }
    }

    @Test
    void aMachineGetsATokenThatKeycloakAccepts() throws Exception {
        TestKeycloak.get();
        String token;
        try (CliProcess cli = machine()) {
            assertEquals(0, cli.waitFor(Duration.ofSeconds(120)), cli.err());
            token = cli.out().strip();
            assertFalse(cli.err().contains(SECRET), "never on stderr, even with --verbose: " + cli.err());
            assertTrue(cli.err().contains("Asking for a token with the client's credentials"), cli.err());
        }
        JSONObject introspection = introspect(token);
        assertTrue(introspection.getBoolean("active"), introspection.toString());
        assertEquals(CLIENT, introspection.getString("client_id"), introspection.toString());
        assertTrue(introspection.getString("scope").contains("ocsapi"), introspection.toString());

        try (var files = Files.list(cache)) {
            for (Path file : files.toList()) {
                assertFalse(Files.readString(file).contains(SECRET), "never in the cache: " + file);
            }
        }
        try (CliProcess again = machine()) {
            assertEquals(0, again.waitFor(Duration.ofSeconds(120)), again.err());
            assertEquals(token, again.out().strip(), "the cached token");
            assertTrue(again.err().contains("Using the cached access token"), again.err());
        }
    }
}
