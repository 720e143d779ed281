package cli;

import login.*;
import system.*;
import support.*;
import keycloak.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TokenStore = keychain against the real Secret Service (issue 26): GNOME Keyring's daemon on a D-Bus
 * session of the test's own ({@link TestKeyring}), and the real Keycloak. The tokens live in the
 * keyring and the cache's files hold none; another local user cannot read the items; a locked keyring
 * and a missing Secret Service each end with their own line and exit code; a client secret stored by
 * --store-client-secret signs in a machine and a Hybrid-like client.
 */
class KeychainTest {

    @TempDir
    Path folder;

    private TestKeyring keyring;
    private BrowserCommand browser;

    @BeforeEach
    void startKeyring() throws Exception {
        keyring = TestKeyring.start(folder.resolve("keyring"));
        browser = new BrowserCommand(folder);
    }

    @AfterEach
    void stopKeyring() {
        keyring.close();
    }

    private Path tokens() {
        return folder.resolve("tokens");
    }

    /** A run with the test's keyring and TokenStore = keychain (from the environment, as a user may set it). */
    private CliProcess start(String name, Map<String, String> more, String... args) throws IOException {
        Map<String, String> environment = new HashMap<>(keyring.environment());
        environment.putAll(browser.environment(name));
        environment.put("OCS_LOGIN_TOKEN_STORE", "keychain");
        environment.putAll(more);
        List<String> all = new ArrayList<>(List.of("--config", "keycloak/demo.ini", "--cache-dir", tokens().toString(), "--timeout", "90"));
        all.addAll(List.of(args));
        return CliProcess.start(environment, all.toArray(String[]::new));
    }

    private CliProcess finished(String name, String... args) throws Exception {
        CliProcess cli = start(name, Map.of(), args);
        cli.waitFor(Duration.ofSeconds(120));
        return cli;
    }

    /** Every byte of every file under the cache folder. */
    private String filesOnDisk() throws IOException {
        StringBuilder all = new StringBuilder();
        try (var files = Files.walk(tokens())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                all.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).append('\n');
            }
        }
        return all.toString();
    }

    /** The tokens item's JSON, as the keyring holds it. */
    private JSONObject tokensItem() throws Exception {
        for (String line : keyring.items().split("\n")) {
            if (line.startsWith("secret = {")) {
                return new JSONObject(line.substring("secret = ".length()));
            }
        }
        throw new AssertionError("no tokens in the keyring: " + keyring.items().replaceAll("secret = .*", "secret = (hidden)"));
    }

    private void storeClientSecret(String clientId, String secret) throws Exception {
        Map<String, String> environment = new HashMap<>(Map.of("STDIN_PIPE", "yes"));
        try (CliProcess cli = start("store-" + clientId, environment, "--client-id", clientId, "--store-client-secret")) {
            cli.type(secret);
            assertEquals(0, cli.waitFor(Duration.ofSeconds(60)), cli.err());
            assertTrue(cli.err().contains("Stored it in the Secret Service (GNOME Keyring, KWallet)"), cli.err());
            assertFalse(cli.err().contains(secret), cli.err());
        }
    }

    @Test
    void signInHitRefreshAndLogoutKeepTheTokensInTheKeyringAndNoneInTheFiles() throws Exception {
        TestKeycloak.get();
        String first;
        try (CliProcess cli = start("first", Map.of())) {
            browser.signInAtKeycloak("first");
            assertEquals(0, cli.waitFor(Duration.ofSeconds(60)), cli.err());
            first = cli.out().strip();
        }
        JSONObject item = tokensItem();
        assertEquals(first, item.getString("access_token"));
        String refreshToken = item.getString("refresh_token");
        String onDisk = filesOnDisk();
        for (String secret : List.of(first, refreshToken, item.getString("id_token"))) {
            assertFalse(onDisk.contains(secret) || onDisk.contains(secret.substring(secret.length() - 30)), "a token in the files");
        }
        assertTrue(onDisk.contains("\"secrets\": \"keychain\""), onDisk);

        CliProcess hit = finished("hit");
        assertEquals(0, hit.waitFor(Duration.ofSeconds(1)), hit.err());
        assertEquals(first, hit.out().strip(), "the cached token, from the keyring");
        assertTrue(hit.err().contains("Using the cached access token"), hit.err());

        CliProcess refreshed = finished("refresh", "--min-validity", "86400");
        assertEquals(0, refreshed.waitFor(Duration.ofSeconds(1)), refreshed.err());
        assertTrue(refreshed.err().contains("Refreshing the access token"), refreshed.err());
        assertFalse(browser.opened("refresh"));
        String second = refreshed.out().strip();
        assertNotEquals(first, second);
        assertEquals(second, tokensItem().getString("access_token"), "the refreshed tokens are in the keyring");
        assertFalse(filesOnDisk().contains(second.substring(second.length() - 30)), "and not in the files");
        assertEquals(200, TestKeycloak.userinfoStatus(second));

        Cli.Run status = Cli.run(Browser.NONE, "--status", "--cache-dir", tokens().toString());
        assertTrue(status.out().contains("refresh token: yes  (in the keychain)"), status.out());

        String held = tokensItem().getString("refresh_token");
        CliProcess logout = finished("logout", "--logout");
        assertEquals(0, logout.waitFor(Duration.ofSeconds(1)), logout.err());
        assertTrue(logout.err().contains("Revoked the refresh token"), logout.err());
        assertFalse(keyring.items().contains("the tokens of client"), "the item is gone");
        assertEquals(400, TestKeycloak.refreshDirectly("ocs-pkce-login", held).getStatus(), "revoked at Keycloak");
    }

    @Test
    void anotherLocalUserCannotReadTheItems() throws Exception {
        storeClientSecret("ocs-pkce-login-machine", MachineLoginTest.SECRET);
        assertTrue(keyring.items().contains(MachineLoginTest.SECRET), "stored");
        OtherUser.Result mallory = OtherUser.get().sh("DBUS_SESSION_BUS_ADDRESS='" + keyring.environment().get("DBUS_SESSION_BUS_ADDRESS")
                + "' secret-tool search --all service ocs-pkce-login 2>&1; echo \"exit $?\"");
        assertFalse(mallory.output().contains(MachineLoginTest.SECRET), mallory.output());
        assertTrue(mallory.output().contains("exit 1"), "refused: " + mallory.output());
    }

    @Test
    void aLockedKeyringEndsWithItsOwnLineAndExitCode() throws Exception {
        TestKeycloak.get();
        storeClientSecret("ocs-pkce-login-machine", MachineLoginTest.SECRET);
        keyring.lock();
        CliProcess machine = finished("machine", "--client-id", "ocs-pkce-login-machine", "--client-credentials");
        assertEquals(LoginException.Exit.KEYCHAIN_LOCKED.code, machine.waitFor(Duration.ofSeconds(1)), machine.err());
        List<String> errors = machine.err().lines().filter(line -> line.startsWith("error:")).toList();
        assertEquals(1, errors.size(), machine.err());
        assertTrue(errors.get(0).contains("is locked, and was not unlocked") && errors.get(0).contains("gnome-keyring-daemon --unlock"),
                errors.get(0));
        CliProcess person = finished("person");
        assertEquals(LoginException.Exit.KEYCHAIN_LOCKED.code, person.waitFor(Duration.ofSeconds(1)), person.err());
        assertFalse(browser.opened("person"), "said before the sign-in: " + person.err());
        keyring.unlock();
        CliProcess unlocked = finished("unlocked", "--client-id", "ocs-pkce-login-machine", "--client-credentials");
        assertEquals(0, unlocked.waitFor(Duration.ofSeconds(1)), unlocked.err());
    }

    @Test
    void noSecretServiceEndsWithItsOwnLineAndExitCode() throws Exception {
        CliProcess cli = start("none", Map.of("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + folder.resolve("no-bus")), "--no-browser");
        assertEquals(LoginException.Exit.KEYCHAIN_UNAVAILABLE.code, cli.waitFor(Duration.ofSeconds(120)), cli.err());
        List<String> errors = cli.err().lines().filter(line -> line.startsWith("error:")).toList();
        assertEquals(1, errors.size(), cli.err());
        assertTrue(errors.get(0).contains("there is no Secret Service on this session's D-Bus") && errors.get(0).contains("TokenStore = file"),
                errors.get(0));
        assertFalse(cli.err().contains("Step 3"), "said before the sign-in");
        assertFalse(Files.exists(tokens()) && filesOnDisk().contains("access_token\": \"ey"), "never a fall back to plain files");
    }

    @Test
    void aStoredClientSecretSignsInAMachineAndAHybridClient() throws Exception {
        TestKeycloak.get();
        storeClientSecret("ocs-pkce-login-machine", MachineLoginTest.SECRET);
        CliProcess machine = finished("machine", "--client-id", "ocs-pkce-login-machine", "--client-credentials", "-v");
        assertEquals(0, machine.waitFor(Duration.ofSeconds(1)), machine.err());
        assertFalse(machine.err().contains(MachineLoginTest.SECRET), machine.err());

        storeClientSecret(KeycloakHybridClientTest.CLIENT, KeycloakHybridClientTest.SECRET);
        try (CliProcess hybrid = start("hybrid", Map.of(), "--client-id", KeycloakHybridClientTest.CLIENT)) {
            browser.signInAtKeycloak("hybrid");
            assertEquals(0, hybrid.waitFor(Duration.ofSeconds(60)), hybrid.err());
            assertTrue(hybrid.err().contains("Pushing the authorization request"), hybrid.err());
        }
        assertFalse(browser.environmentOf("hybrid").contains(KeycloakHybridClientTest.SECRET), "the browser never gets it");
        Cli.Run status = Cli.run(Browser.NONE, "--status", "--cache-dir", tokens().toString());
        assertTrue(status.out().lines().anyMatch(line -> line.contains("client " + KeycloakHybridClientTest.CLIENT + " (confidential)")
                && line.endsWith("refresh token: yes  (in the keychain)")), status.out());

        CliProcess forget = finished("forget", "--client-id", "ocs-pkce-login-machine", "--forget-client-secret");
        assertEquals(0, forget.waitFor(Duration.ofSeconds(1)), forget.err());
        assertFalse(keyring.items().contains(MachineLoginTest.SECRET), "removed from the keyring");
        CliProcess without = finished("without", "--client-id", "ocs-pkce-login-machine", "--client-credentials", "--force-login");
        assertEquals(LoginException.Exit.CONFIG_KEY_MISSING.code, without.waitFor(Duration.ofSeconds(1)), without.err());
        assertTrue(without.err().contains("or the keychain (--store-client-secret)"), without.err());
    }
}
