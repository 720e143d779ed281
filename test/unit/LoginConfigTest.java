package cli;

import login.*;
import system.*;
import support.*;
import keycloak.*;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoginConfigTest {

    @TempDir
    Path folder;

    /** The config of a run with --config FILE and the command line's {@code overrides} (no environment). */
    private static LoginConfig load(Path file, Overrides overrides) throws LoginException {
        return ConfigFiles.find(file, overrides, Map.of(), file.toAbsolutePath().getParent());
    }

    private Path ini(String text) throws IOException {
        return Files.writeString(folder.resolve("config.ini"), text, StandardCharsets.UTF_8);
    }

    /** An environment whose user config folder is empty: only the working folder's config.ini could be found. */
    private Map<String, String> noUserConfig() {
        return Map.of("XDG_CONFIG_HOME", folder.resolve("no-user-config").toString());
    }

    private static LoginException failure(LoginException.Exit exit, Path file, Overrides overrides) {
        LoginException e = assertThrows(LoginException.class, () -> load(file, overrides));
        assertEquals(exit, e.exit(), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e;
    }

    @Test
    void ocsConfigDerivesTheIssuerFromResource() throws Exception {
        LoginConfig config = load(ini("""
                [Configuration]
                Resource = https://uswe.datahub.connect.aveva.com/
                TenantId = 0a1b2c3d-1234-5678-9abc-def012345678
                ClientId = c-1
                """), Overrides.NONE);
        assertEquals(URI.create("https://uswe.datahub.connect.aveva.com/identity"), config.authority());
        assertEquals("c-1", config.clientId());
        assertEquals(Optional.of("0a1b2c3d-1234-5678-9abc-def012345678"), config.tenantId());
        assertEquals("openid ocsapi", config.scope());
        assertEquals(URI.create("http://localhost:5004/callback.html"), config.redirectUri());
    }

    @Test
    void authorityScopeAndRedirectUriCanBeSet() throws Exception {
        LoginConfig config = load(ini("""
                # a Keycloak realm
                [Configuration]
                authority: https://kc.example/realms/r
                CLIENTID = c
                Scope = openid
                RedirectUri = http://127.0.0.1:8765/cb
                """), Overrides.NONE);
        assertEquals(URI.create("https://kc.example/realms/r"), config.authority());
        assertEquals("c", config.clientId());
        assertEquals("openid", config.scope());
        assertEquals(URI.create("http://127.0.0.1:8765/cb"), config.redirectUri());
        assertEquals(Optional.empty(), config.tenantId());
    }

    @Test
    void commandLineValuesOverrideTheFile() throws Exception {
        LoginConfig config = load(ini("""
                [Configuration]
                Resource = https://a.example
                ClientId = from-file
                """), Overrides.NONE.with(Setting.CLIENT_ID, "from-command-line")
                        .with(Setting.AUTHORITY, "https://b.example/issuer"));
        assertEquals("from-command-line", config.clientId());
        assertEquals(URI.create("https://b.example/issuer"), config.authority());
    }

    @Test
    void aMissingDefaultFileIsFineWhenTheCommandLineHasEverything() throws Exception {
        LoginConfig config = ConfigFiles.find(null,
                Overrides.NONE.with(Setting.AUTHORITY, "https://kc.example/realms/r").with(Setting.CLIENT_ID, "c"),
                noUserConfig(), folder);
        assertEquals("c", config.clientId());
    }

    @Test
    void missingFileIsReportedWithItsName() {
        Path missing = folder.resolve("nowhere.ini");
        LoginException e = failure(LoginException.Exit.CONFIG_FILE_MISSING, missing, Overrides.NONE);
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("config.placeholder.ini"), e.getMessage());
    }

    @Test
    void missingDefaultFileIsReportedWhenTheCommandLineIsIncomplete() {
        LoginException e = assertThrows(LoginException.class,
                () -> ConfigFiles.find(null, Overrides.NONE.with(Setting.CLIENT_ID, "c"), noUserConfig(), folder));
        assertEquals(LoginException.Exit.CONFIG_FILE_MISSING, e.exit());
    }

    @Test
    void missingKeyIsReportedWithFileAndKey() throws Exception {
        Path file = ini("[Configuration]\nResource = https://a.example\n");
        LoginException e = failure(LoginException.Exit.CONFIG_KEY_MISSING, file, Overrides.NONE);
        assertTrue(e.getMessage().contains(file + ": [Configuration] ClientId is missing"), e.getMessage());
    }

    @Test
    void missingResourceAndAuthorityIsReported() throws Exception {
        LoginException e = failure(LoginException.Exit.CONFIG_KEY_MISSING, ini("[Configuration]\nClientId = c\n"), Overrides.NONE);
        assertTrue(e.getMessage().contains("[Configuration] Resource is missing"), e.getMessage());
    }

    @Test
    void placeholderValueIsReportedWithFileAndKey() throws IOException {
        Path file = folder.resolve("config.ini");
        Files.copy(Path.of("config.placeholder.ini"), file);
        LoginException e = failure(LoginException.Exit.CONFIG_PLACEHOLDER, file, Overrides.NONE);
        assertTrue(e.getMessage().contains(file + ": [Configuration] "), e.getMessage());
        assertTrue(e.getMessage().contains("PLACEHOLDER_REPLACE_WITH_"), e.getMessage());
    }

    @Test
    void malformedUrlIsReportedWithFileAndKey() throws Exception {
        Path file = ini("[Configuration]\nResource = htp:/no host\nClientId = c\n");
        LoginException e = failure(LoginException.Exit.CONFIG_INVALID, file, Overrides.NONE);
        assertTrue(e.getMessage().contains(file + ": [Configuration] Resource is not a valid URL"), e.getMessage());
    }

    @Test
    void urlWithoutHostOrWithFragmentIsRejected() throws Exception {
        failure(LoginException.Exit.CONFIG_INVALID, ini("[Configuration]\nAuthority = https:///x\nClientId = c\n"), Overrides.NONE);
        failure(LoginException.Exit.CONFIG_INVALID, ini("[Configuration]\nAuthority = https://a.example/#x\nClientId = c\n"), Overrides.NONE);
    }

    @Test
    void plainHttpIsRefusedForAHostThatIsNotLoopback() throws Exception {
        LoginException e = failure(LoginException.Exit.CONFIG_INVALID,
                ini("[Configuration]\nAuthority = http://idp.example/realms/r\nClientId = c\n"), Overrides.NONE);
        assertTrue(e.getMessage().contains("[Configuration] Authority uses plain http"), e.getMessage());
        assertEquals(URI.create("http://127.0.0.1:8080/realms/r"), load(
                ini("[Configuration]\nAuthority = http://127.0.0.1:8080/realms/r\nClientId = c\n"), Overrides.NONE).authority());
    }

    @Test
    void redirectUriMustBeHttpOnLoopback() throws Exception {
        for (String bad : new String[] {"https://localhost:5004/cb", "http://example.com:5004/cb",
                "http://localhost:5004", "http://localhost:5004/cb#x"}) {
            LoginException e = failure(LoginException.Exit.CONFIG_INVALID,
                    ini("[Configuration]\nAuthority = https://a.example\nClientId = c\nRedirectUri = " + bad + "\n"), Overrides.NONE);
            assertTrue(e.getMessage().contains("[Configuration] RedirectUri must be an http URL on a loopback host"), e.getMessage());
        }
        assertEquals(URI.create("http://[::1]:5004/cb"), load(
                ini("[Configuration]\nAuthority = https://a.example\nClientId = c\nRedirectUri = http://[::1]:5004/cb\n"),
                Overrides.NONE).redirectUri());
    }

    @Test
    void redirectUriWithPortZeroMeansAnyFreePort() throws Exception {
        assertEquals(URI.create("http://127.0.0.1:0/cb"), load(
                ini("[Configuration]\nAuthority = https://a.example\nClientId = c\nRedirectUri = http://127.0.0.1:0/cb\n"),
                Overrides.NONE).redirectUri());
    }

    @Test
    void errorsInCommandLineValuesNameTheOption() throws Exception {
        LoginException e = failure(LoginException.Exit.CONFIG_INVALID,
                ini("[Configuration]\nResource = https://a.example\nTenantId = 0a1b2c3d-1234-5678-9abc-def012345678\nClientId = c\n"), Overrides.NONE.with(Setting.REDIRECT_URI, "ftp://x/y"));
        assertTrue(e.getMessage().startsWith("--redirect-uri must be"), e.getMessage());
    }

    @Test
    void iniSyntaxErrorsNameTheLine() throws Exception {
        LoginException e = failure(LoginException.Exit.CONFIG_INVALID, ini("[Configuration]\nResource\n"), Overrides.NONE);
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        e = failure(LoginException.Exit.CONFIG_INVALID, ini("ClientId = c\n[Configuration]\n"), Overrides.NONE);
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
        e = failure(LoginException.Exit.CONFIG_INVALID, ini("[Configuration]\nClientId = a\nclientid = b\n"), Overrides.NONE);
        assertTrue(e.getMessage().contains("line 3: key 'clientid' appears twice"), e.getMessage());
    }

    @Test
    void aFileThatIsNotAnIniFileIsNeverEchoed() throws Exception {
        Path shadow = ini("root:$6$very-secret-hash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n");
        LoginException e = failure(LoginException.Exit.CONFIG_INVALID, shadow, Overrides.NONE);
        assertTrue(e.getMessage().contains("line 1: expected [Section] or 'key = value' inside a section"), e.getMessage());
        assertTrue(!e.getMessage().contains("secret") && !e.getMessage().contains("root"), e.getMessage());
    }

    @Test
    void aFifoIsRefusedAtOnceInsteadOfBlocking() throws Exception {
        Path fifo = folder.resolve("config.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        long started = System.nanoTime();
        LoginException e = failure(LoginException.Exit.CONFIG_INVALID, fifo, Overrides.NONE);
        assertTrue(e.getMessage().contains("is not a regular file"), e.getMessage());
        assertTrue(System.nanoTime() - started < 2_000_000_000L);
    }

    @Test
    void devicesAreRefusedInsteadOfReadForever() {
        LoginException e = failure(LoginException.Exit.CONFIG_INVALID, Path.of("/dev/zero"), Overrides.NONE);
        assertTrue(e.getMessage().contains("/dev/zero is not a regular file"), e.getMessage());
    }

    @Test
    void aFileOverSixtyFourKibibytesIsRefusedUnread() throws Exception {
        Path large = ini("[Configuration]\nClientId = c\nAuthority = https://a.example\n# " + "x".repeat(64 * 1024) + "\n");
        LoginException e = failure(LoginException.Exit.CONFIG_INVALID, large, Overrides.NONE);
        assertTrue(e.getMessage().contains("is larger than 64 KiB"), e.getMessage());
    }

    @Test
    void aPortOver65535IsAConfigErrorNotACrash() throws Exception {
        LoginException e = failure(LoginException.Exit.CONFIG_INVALID,
                ini("[Configuration]\nAuthority = https://a.example\nClientId = c\nRedirectUri = http://localhost:70000/cb\n"),
                Overrides.NONE);
        assertTrue(e.getMessage().contains("RedirectUri must be an http URL on a loopback host with a port from 0 to 65535"), e.getMessage());
        e = failure(LoginException.Exit.CONFIG_INVALID, ini("[Configuration]\nAuthority = https://a.example:99999/x\nClientId = c\n"),
                Overrides.NONE);
        assertTrue(e.getMessage().contains("Authority has a port over 65535"), e.getMessage());
    }

    @Test
    void aPortOver65535OnTheCommandLineEndsWithExitSixNotACrash() {
        Cli.Run run = Cli.run(Browser.NONE, "--authority", "https://a.example", "--client-id", "c",
                "--redirect-uri", "http://localhost:70000/callback.html");
        assertEquals(LoginException.Exit.CONFIG_INVALID.code, run.exitCode(), run.toString());
        assertEquals(List.of("error: --redirect-uri must be an http URL on a loopback host with a port from 0 to 65535 and a path,"
                + " like http://localhost:5004/callback.html; found 'http://localhost:70000/callback.html'"), run.errorLines());
    }

    @Test
    void theConfigIsFoundInTheWorkingFolderThenInTheUsersConfigFolder() throws Exception {
        Path working = java.nio.file.Files.createDirectories(folder.resolve("working"));
        Path xdg = folder.resolve("xdg");
        Path userFile = java.nio.file.Files.createDirectories(xdg.resolve("ocs-pkce-login")).resolve("config.ini");
        Files.writeString(userFile, "[Configuration]\nAuthority = https://user.example\nClientId = from-user-folder\n");
        Map<String, String> environment = Map.of("XDG_CONFIG_HOME", xdg.toString());
        assertEquals("from-user-folder", ConfigFiles.find(null, Overrides.NONE, environment, working).clientId());

        Files.writeString(working.resolve("config.ini"), "[Configuration]\nAuthority = https://here.example\nClientId = from-here\n");
        assertEquals("from-here", ConfigFiles.find(null, Overrides.NONE, environment, working).clientId());

        Path explicit = Files.writeString(folder.resolve("other.ini"), "[Configuration]\nAuthority = https://x.example\nClientId = explicit\n");
        assertEquals("explicit", ConfigFiles.find(explicit, Overrides.NONE, environment, working).clientId());
    }

    @Test
    void withoutAnyConfigFileTheMessageSaysWhereItLooked() {
        Path nowhere = folder.resolve("empty");
        Map<String, String> environment = Map.of("XDG_CONFIG_HOME", folder.resolve("xdg").toString());
        LoginException e = assertThrows(LoginException.class, () -> ConfigFiles.find(null, Overrides.NONE, environment, nowhere));
        assertEquals(LoginException.Exit.CONFIG_FILE_MISSING, e.exit());
        assertTrue(e.getMessage().contains("looked for " + nowhere.resolve("config.ini") + " and "
                + folder.resolve("xdg").resolve("ocs-pkce-login").resolve("config.ini")), e.getMessage());
        LoginConfig fromEnvironment = assertDoesNotThrow(() -> ConfigFiles.find(null, Overrides.NONE,
                Map.of("OCS_LOGIN_AUTHORITY", "https://env.example", "OCS_LOGIN_CLIENT_ID", "from-env"), nowhere));
        assertEquals("from-env", fromEnvironment.clientId(), "the environment alone is enough");
    }

    @Test
    void theEnvironmentOverridesTheFileAndTheCommandLineOverridesBoth() throws Exception {
        Path file = ini("[Configuration]\nAuthority = https://a.example\nClientId = from-file\nScope = openid file\n");
        Map<String, String> environment = Map.of("OCS_LOGIN_CLIENT_ID", "from-env", "OCS_LOGIN_SCOPE", "openid env");
        LoginConfig config = ConfigFiles.find(file, Overrides.NONE.with(Setting.SCOPE, "openid cli"),
                environment, folder);
        assertEquals("from-env", config.clientId());
        assertEquals("openid cli", config.scope());
        assertEquals("--scope", config.scopeSource());
        LoginException e = assertThrows(LoginException.class, () -> ConfigFiles.find(file, Overrides.NONE,
                Map.of("OCS_LOGIN_REDIRECT_URI", "ftp://x/y"), folder));
        assertTrue(e.getMessage().startsWith("the environment variable OCS_LOGIN_REDIRECT_URI must be"), e.getMessage());
    }

    @Test
    void theDefaultScopeHasOcsapiForOcsOnly() throws Exception {
        LoginConfig ocs = load(ini("[Configuration]\nResource = https://ocs.example\nTenantId = 0a1b2c3d-1234-5678-9abc-def012345678\nClientId = c\n"),
                Overrides.NONE);
        assertEquals("openid ocsapi", ocs.scope());
        assertEquals("the default for OCS", ocs.scopeSource());
        LoginConfig oidc = load(ini("[Configuration]\nAuthority = https://idp.example\nClientId = c\n"),
                Overrides.NONE);
        assertEquals("openid", oidc.scope());
        assertEquals("the default for an OpenID Connect provider", oidc.scopeSource());
    }

    /** Issue 25: OCS gives a refresh token only to a Hybrid client (one with a secret) that asks for offline_access. */
    @Test
    void withAClientSecretTheOcsDefaultScopeAsksForOfflineAccess() throws Exception {
        ClientAuthentication secret = new ClientAuthentication.Secret("c", "s".toCharArray(), "its place");
        ClientAuthentication none = new ClientAuthentication.None("c", "its place");
        LoginConfig ocs = load(ini("[Configuration]\nResource = https://ocs.example\nTenantId = 0a1b2c3d-1234-5678-9abc-def012345678"
                + "\nClientId = c\n"), Overrides.NONE);
        assertEquals("openid ocsapi offline_access", ocs.forClient(secret).scope());
        assertEquals("the default for OCS with a client secret (a Hybrid client)", ocs.forClient(secret).scopeSource());
        assertEquals("openid ocsapi", ocs.forClient(none).scope(), "a public client: no refresh token to ask for");
        LoginConfig configured = load(ini("[Configuration]\nResource = https://ocs.example\nTenantId = 0a1b2c3d-1234-5678-9abc-def012345678"
                + "\nClientId = c\nScope = openid ocsapi\n"), Overrides.NONE);
        assertEquals("openid ocsapi", configured.forClient(secret).scope(), "a configured scope is sent as it is");
        LoginConfig oidc = load(ini("[Configuration]\nAuthority = https://idp.example\nClientId = c\n"), Overrides.NONE);
        assertEquals("openid", oidc.forClient(secret).scope(), "another provider: its own default, which Scope changes");
    }

    /** Issue 27: [profile NAME] sections, picked by --profile or OCS_LOGIN_PROFILE; [Configuration] stays the default. */
    @Test
    void aProfileIsASectionOfItsOwnAndAMistypedOneGetsADidYouMean() throws Exception {
        Path file = ini("[Configuration]\nResource = https://uswe.example\nTenantId = 0a1b2c3d-1234-5678-9abc-def012345678\nClientId = c\n"
                + "\n[profile prod-euno]\nResource = https://euno.example\nTenantId = 11111111-1234-5678-9abc-def012345678\nClientId = p\n"
                + "\n[profile keycloak]\nAuthority = https://idp.example/realms/r\nClientId = k\nApiBase = https://idp.example/realms/r/account\n");
        LoginConfig standard = ConfigFiles.find(file, Overrides.NONE, Map.of(), folder, Optional.empty());
        assertEquals("c", standard.clientId());
        assertEquals(Optional.of(URI.create("https://uswe.example/api/v1")), standard.apiBase(), "OCS's REST API by default");
        LoginConfig prod = ConfigFiles.find(file, Overrides.NONE, Map.of(), folder, Optional.of("prod-euno"));
        assertEquals(URI.create("https://euno.example/identity"), prod.authority());
        assertEquals("p", prod.clientId());
        assertTrue(prod.source().endsWith("[profile prod-euno]"), prod.source());
        LoginConfig fromVariable = ConfigFiles.find(file, Overrides.NONE, Map.of("OCS_LOGIN_PROFILE", "keycloak"), folder, Optional.empty());
        assertEquals("k", fromVariable.clientId());
        assertEquals(Optional.of(URI.create("https://idp.example/realms/r/account")), fromVariable.apiBase());
        assertEquals("p", ConfigFiles.find(file, Overrides.NONE, Map.of("OCS_LOGIN_PROFILE", "keycloak"), folder, Optional.of("prod-euno"))
                .clientId(), "--profile wins over the variable");
        LoginException typo = assertThrows(LoginException.class, () -> ConfigFiles.find(file, Overrides.NONE, Map.of(), folder,
                Optional.of("prod-euon")));
        assertEquals(LoginException.Exit.CONFIG_INVALID, typo.exit());
        assertTrue(typo.getMessage().contains("has no profile 'prod-euon' (a section [profile prod-euon]); did you mean prod-euno?"),
                typo.getMessage());
        assertEquals(List.of("prod-euno", "keycloak"), ConfigFiles.profiles(ConfigFiles.read(file)));
        Files.writeString(file, "\n[profile bad]\nClientID = x\nScoep = y\n", java.nio.file.StandardOpenOption.APPEND);
        LoginException key = assertThrows(LoginException.class, () -> ConfigFiles.find(file, Overrides.NONE, Map.of(), folder, Optional.empty()));
        assertTrue(key.getMessage().contains("unknown key 'Scoep' in [profile bad] (did you mean Scope?)"), key.getMessage());
        LoginException none = assertThrows(LoginException.class, () -> ConfigFiles.find(null, Overrides.NONE, noUserConfig(),
                folder.resolve("empty"), Optional.of("prod")));
        assertEquals(LoginException.Exit.CONFIG_FILE_MISSING, none.exit());
    }

    @Test
    void tokenStoreIsFileOrKeychainInAnyCase() throws Exception {
        String base = "[Configuration]\nAuthority = https://idp.example\nClientId = c\n";
        assertEquals(LoginConfig.TokenStore.FILE, load(ini(base), Overrides.NONE).tokenStore());
        assertEquals(LoginConfig.TokenStore.KEYCHAIN, load(ini(base + "TokenStore = Keychain\n"), Overrides.NONE).tokenStore());
        assertEquals(LoginConfig.TokenStore.KEYCHAIN, ConfigFiles.find(ini(base), Overrides.NONE, Map.of("OCS_LOGIN_TOKEN_STORE", "keychain"),
                folder).tokenStore());
        LoginException e = failure(LoginException.Exit.CONFIG_INVALID, ini(base + "TokenStore = vault\n"), Overrides.NONE);
        assertTrue(e.getMessage().contains("TokenStore is 'vault'; it is file (the default: private files) or keychain"), e.getMessage());
    }

    @Test
    void aCaFileInTheConfigIsFoundNextToItAndMustExist() throws Exception {
        Path pem = Files.writeString(folder.resolve("company-ca.pem"), "not checked here");
        LoginConfig config = load(ini("[Configuration]\nAuthority = https://a.example\nClientId = c\nCaFile = company-ca.pem\n"),
                Overrides.NONE);
        assertEquals(Optional.of(pem.toAbsolutePath()), config.caFile());
        LoginException e = failure(LoginException.Exit.CONFIG_INVALID,
                ini("[Configuration]\nAuthority = https://a.example\nClientId = c\nCaFile = missing.pem\n"), Overrides.NONE);
        assertTrue(e.getMessage().contains("[Configuration] CaFile names ") && e.getMessage().contains("which is not a file"), e.getMessage());
    }

    @Test
    void notUtf8IsReported() throws Exception {
        Path file = Files.write(folder.resolve("config.ini"), new byte[] {'[', 'C', ']', '\n', (byte) 0xC3, (byte) 0x28});
        failure(LoginException.Exit.CONFIG_INVALID, file, Overrides.NONE);
    }

    @Test
    void byteOrderMarkCommentsAndColonsAreUnderstood() throws Exception {
        LoginConfig config = load(ini("\uFEFF; made on Windows\n[Configuration]\n  # comment\nAuthority: https://a.example/x\nClientId=c=d\n"),
                Overrides.NONE);
        assertEquals("c=d", config.clientId());
    }

    @Test
    void testSectionHoldsTheTestUser() throws Exception {
        IniFile ini = IniFile.read(ini("[Test]\nUsername = u\nPassword = p:w=d\n"));
        assertEquals("u", ini.section("Test").get("username").orElseThrow().value());
        assertEquals("p:w=d", ini.section("Test").get("password").orElseThrow().value());
    }

    // --- OCS as it is (issue 16) ---

    @Test
    void ocsWithoutATenantIsAMissingKeyNamingTenantId() throws Exception {
        LoginException e = failure(LoginException.Exit.CONFIG_KEY_MISSING,
                ini("[Configuration]\nResource = https://uswe.datahub.connect.aveva.com\nClientId = c\n"), Overrides.NONE);
        assertTrue(e.getMessage().contains("[Configuration] TenantId is missing: OCS needs the tenant, sent as acr_values=tenant:{TenantId}"),
                e.getMessage());
    }

    @Test
    void anAuthorityBesideResourceAndTenantKeepsTheOcsScope() throws Exception {
        LoginConfig config = load(ini("[Configuration]\nResource = https://ocs.example\nTenantId = 0a1b2c3d-1234-5678-9abc-def012345678\nClientId = c\n"
                + "Authority = https://login.ocs.example/identity\n"), Overrides.NONE);
        assertEquals(URI.create("https://login.ocs.example/identity"), config.authority());
        assertEquals("openid ocsapi", config.scope(), "still OCS: its scope");
        assertTrue(config.ocs());
        assertEquals(Optional.of("0a1b2c3d-1234-5678-9abc-def012345678"), config.tenantId());
    }

    @Test
    void theSchemeAndHostOfTheAuthorityAreComparedInLowerCase() throws Exception {
        LoginConfig config = load(ini("[Configuration]\nAuthority = HTTPS://Login.Example.COM/realms/MyRealm\nClientId = c\n"),
                Overrides.NONE);
        assertEquals(URI.create("https://login.example.com/realms/MyRealm"), config.authority(), "the path keeps its case");
        LoginConfig ocs = load(ini("[Configuration]\nResource = HTTPS://USWE.datahub.connect.aveva.com\nTenantId = 0a1b2c3d-1234-5678-9abc-def012345678\n"
                + "ClientId = c\n"), Overrides.NONE);
        assertEquals(URI.create("https://uswe.datahub.connect.aveva.com/identity"), ocs.authority());
        assertTrue(ocs.authoritySource().startsWith("{Resource}/identity (from Resource"), ocs.authoritySource());
    }

    @Test
    void aTenantWithAnotherProviderIsSentWithAWarning() throws Exception {
        LoginConfig config = load(ini("[Configuration]\nAuthority = https://kc.example/realms/r\nTenantId = t\nClientId = c\n"),
                Overrides.NONE);
        assertEquals(Optional.of("t"), config.tenantId());
        assertEquals(1, config.warnings().size(), config.warnings().toString());
        assertTrue(config.warnings().get(0).contains("which only OCS understands"), config.warnings().get(0));
    }

    @Test
    void authParamsAreFormEncodedPairsAndNoneOfTheFlowsOwn() throws Exception {
        LoginConfig config = load(ini("[Configuration]\nAuthority = https://kc.example/realms/r\nClientId = c\n"
                + "AuthParams = prompt=login&ui_locales=de%20en\n"), Overrides.NONE);
        assertEquals(Map.of("prompt", "login", "ui_locales", "de en"), config.authParams());
        for (String own : List.of("state=x", "redirect_uri=http://x", "code_challenge=y", "client_id=z", "response_type=token", "scope=a",
                "nonce=n", "code_challenge_method=plain")) {
            LoginException e = failure(LoginException.Exit.CONFIG_INVALID, ini("[Configuration]\nAuthority = https://kc.example/realms/r\n"
                    + "ClientId = c\nAuthParams = " + own + "\n"), Overrides.NONE);
            assertTrue(e.getMessage().contains("AuthParams sets '" + own.split("=")[0] + "', which it may not"), e.getMessage());
        }
        LoginException broken = failure(LoginException.Exit.CONFIG_INVALID, ini("[Configuration]\nAuthority = https://kc.example/realms/r\n"
                + "ClientId = c\nAuthParams = justaword\n"), Overrides.NONE);
        assertTrue(broken.getMessage().contains("not name=value"), broken.getMessage());
        LoginException tenant = failure(LoginException.Exit.CONFIG_INVALID, ini("[Configuration]\nResource = https://ocs.example\n"
                + "TenantId = 0a1b2c3d-1234-5678-9abc-def012345678\nClientId = c\nAuthParams = acr_values=x\n"), Overrides.NONE);
        assertTrue(tenant.getMessage().contains("sets acr_values, which TenantId sends"), tenant.getMessage());
    }

    // --- Config mistakes said at once (issue 17) ---

    @Test
    void aValueInQuotesIsAnErrorNamingTheLine() throws Exception {
        for (String quoted : List.of("\"ocs-pkce-login\"", "'ocs-pkce-login'")) {
            LoginException e = failure(LoginException.Exit.CONFIG_INVALID, ini("[Configuration]\n# the client\nAuthority = https://kc.example/r\n"
                    + "ClientId = " + quoted + "\n"), Overrides.NONE);
            assertTrue(e.getMessage().contains("config.ini line 4: ClientId's value is in quotes, which would be sent as part of it"),
                    e.getMessage());
        }
    }

    @Test
    void aValueWithAnInlineCommentIsAnErrorNamingTheLine() throws Exception {
        for (String comment : List.of("x ; the demo client", "x # the demo client")) {
            LoginException e = failure(LoginException.Exit.CONFIG_INVALID, ini("[Configuration]\nAuthority = https://kc.example/r\n"
                    + "ClientId = " + comment + "\n"), Overrides.NONE);
            assertTrue(e.getMessage().contains("config.ini line 3: ClientId's value holds a comment"), e.getMessage());
        }
        LoginConfig password = load(ini("[Configuration]\nAuthority = https://kc.example/r\nClientId = c\n[Test]\n"
                + "Password = a #1 ; b\n"), Overrides.NONE);
        assertEquals("c", password.clientId(), "[Test]'s values are the test's own");
    }

    @Test
    void anUnknownKeyIsAnErrorWithADidYouMean() throws Exception {
        LoginException e = failure(LoginException.Exit.CONFIG_INVALID, ini("[Configuration]\nAuthority = https://kc.example/r\n"
                + "ClinetId = c\n"), Overrides.NONE);
        assertTrue(e.getMessage().contains("config.ini line 3: unknown key 'ClinetId' in [Configuration] (did you mean ClientId?)"),
                e.getMessage());
        LoginException far = failure(LoginException.Exit.CONFIG_INVALID, ini("[Configuration]\nAuthority = https://kc.example/r\n"
                + "Colour = blue\n"), Overrides.NONE);
        assertTrue(far.getMessage().contains("unknown key 'Colour' in [Configuration] (the keys are Resource, TenantId, ClientId"),
                far.getMessage());
    }

    @Test
    void aKeyInAnotherSectionIsAnErrorNamingTheLine() throws Exception {
        LoginException e = failure(LoginException.Exit.CONFIG_INVALID, ini("[Configuration]\nAuthority = https://kc.example/r\n[Test]\n"
                + "Username = u\nClientId = c\n"), Overrides.NONE);
        assertTrue(e.getMessage().contains("config.ini line 5: ClientId stands in [Test]; it belongs in [Configuration]"), e.getMessage());
    }

    @Test
    void sectionNamesMatchWithoutRegardToCase() throws Exception {
        LoginConfig config = load(ini("[configuration]\nauthority = https://kc.example/r\nCLIENTID = c\n"),
                Overrides.NONE);
        assertEquals("c", config.clientId());
    }

    /** Resource and Authority name the provider together: the layer that gives either (command line, environment, file) gives both. */
    @Test
    void aResourceOrAuthorityOnTheCommandLineReplacesBothOfTheFiles() throws Exception {
        Path file = ini("[Configuration]\nAuthority = https://kc.example/realms/r\nClientId = c\nTenantId = " + GUID + "\n");
        LoginConfig ocs = load(file, Overrides.NONE.with(Setting.RESOURCE, "https://ocs.example"));
        assertEquals(URI.create("https://ocs.example/identity"), ocs.authority(), "the file's Authority does not win over --resource");
        assertTrue(ocs.ocs());
        Path both = ini("[Configuration]\nResource = https://ocs.example\nTenantId = 0a1b2c3d-1234-5678-9abc-def012345678\nClientId = c\n");
        LoginConfig other = load(both, Overrides.NONE.with(Setting.AUTHORITY, "https://kc.example/realms/r"));
        assertEquals(URI.create("https://kc.example/realms/r"), other.authority());
        assertFalse(other.ocs(), "the file's Resource is replaced too: not OCS");
        assertEquals("openid", other.scope());
    }

    @Test
    void theConfigNamesItsSource() throws Exception {
        Path file = ini("[Configuration]\nAuthority = https://kc.example/r\nClientId = c\n");
        assertEquals(file.toString(), load(file, Overrides.NONE).source());
    }

    /** A machine's scope: the configured Scope; else ocsapi for OCS; else none; never openid by default. */
    @Test
    void aMachineAsksForTheConfiguredScopeElseOcsapiForOcsElseNone() throws Exception {
        assertEquals(Optional.of("ocsapi"), load(ini("[Configuration]\nResource = https://ocs.example\nTenantId = 0a1b2c3d-1234-5678-9abc-def012345678\n"
                + "ClientId = c\n"), Overrides.NONE).machineScope());
        assertEquals(Optional.empty(), load(ini("[Configuration]\nAuthority = https://kc.example/r\nClientId = c\n"),
                Overrides.NONE).machineScope());
        assertEquals(Optional.of("api.read"), load(ini("[Configuration]\nAuthority = https://kc.example/r\nClientId = c\n"
                + "Scope = api.read\n"), Overrides.NONE).machineScope());
    }

    // --- Issue 21: the last silent mistakes, each said in one line with its fix ---

    private static final String GUID = "0a1b2c3d-1234-5678-9abc-def012345678";

    @Test
    void anOcsTenantThatIsNotAGuidIsRefusedWithWhatOneLooksLike() throws Exception {
        LoginException e = failure(LoginException.Exit.CONFIG_INVALID, ini("[Configuration]\nResource = https://ocs.example\n"
                + "TenantId = my-company\nClientId = c\n"), Overrides.NONE);
        assertTrue(e.getMessage().contains("[Configuration] TenantId is 'my-company', not a GUID: an OCS tenant ID looks like"), e.getMessage());
        assertEquals(Optional.of(GUID.toUpperCase()), load(ini("[Configuration]\nResource = https://ocs.example\nTenantId = "
                + GUID.toUpperCase() + "\nClientId = c\n"), Overrides.NONE).tenantId(), "either case");
    }

    @Test
    void aResourceWithAPathSaysWhatResourceIsAndWhereAnIssuerGoes() throws Exception {
        LoginException identity = failure(LoginException.Exit.CONFIG_INVALID, ini("[Configuration]\nResource = https://ocs.example/identity/\n"
                + "TenantId = " + GUID + "\nClientId = c\n"), Overrides.NONE);
        assertTrue(identity.getMessage().contains("Resource ends in /identity, which the tool adds itself; write the address alone:"
                + " https://ocs.example"), identity.getMessage());
        LoginException realm = failure(LoginException.Exit.CONFIG_INVALID, ini("[Configuration]\nClientId = c\n"), Overrides.NONE
                .with(Setting.RESOURCE, "http://127.0.0.1:18080/realms/ocs-pkce-demo"));
        assertTrue(realm.getMessage().startsWith("--resource has a path (/realms/ocs-pkce-demo), but it is the OCS address alone, such as"
                + " http://127.0.0.1:18080. For another provider's issuer (this looks like a Keycloak realm), set Authority (--authority)"),
                realm.getMessage());
        assertFalse(realm.getMessage().contains("TenantId is missing"), "the path is the mistake, not the tenant");
    }

    @Test
    void anAuthorityOnAnotherHostThanResourceIsSaid() throws Exception {
        LoginConfig config = load(ini("[Configuration]\nResource = https://ocs.example\nTenantId = " + GUID
                + "\nClientId = c\nAuthority = https://kc.example/realms/r\n"), Overrides.NONE);
        assertEquals(1, config.warnings().size(), config.warnings().toString());
        assertTrue(config.warnings().get(0).startsWith("warning: the issuer is Authority https://kc.example/realms/r"), config.warnings().get(0));
        assertTrue(config.warnings().get(0).contains("Resource https://ocs.example names another host"), config.warnings().get(0));
        assertEquals(List.of(), load(ini("[Configuration]\nResource = https://ocs.example\nTenantId = " + GUID
                + "\nClientId = c\nAuthority = https://OCS.example/identity2\n"), Overrides.NONE).warnings(),
                "the same host: OCS with an issuer of its own, as the README says");
    }

    @Test
    void scopesSeparatedByCommasAreRefusedWithTheSpacedForm() throws Exception {
        LoginException e = failure(LoginException.Exit.CONFIG_INVALID, ini("[Configuration]\nAuthority = https://kc.example/r\n"
                + "ClientId = c\nScope = openid, ocsapi\n"), Overrides.NONE);
        assertTrue(e.getMessage().contains("Scope is 'openid, ocsapi': scopes are separated by spaces, not commas"), e.getMessage());
    }

    @Test
    void aMisspelledVariableIsSaidWithADidYouMean() throws Exception {
        Map<String, String> environment = new java.util.HashMap<>(noUserConfig());
        environment.put("OCS_LOGIN_CLIENTID", "c");
        environment.put("OCS_LOGIN_CLIENT_ID", "c");
        environment.put("OCS_LOGIN_AUTHORITY", "https://kc.example/r");
        environment.put("OCS_LOGIN_DEMO_IDLE_SECONDS", "60");
        LoginConfig config = ConfigFiles.find(null, Overrides.NONE, environment, folder);
        assertEquals(List.of("warning: the environment variable OCS_LOGIN_CLIENTID is not one of this tool's, so it is ignored"
                + " (did you mean OCS_LOGIN_CLIENT_ID?)"), config.warnings());
    }

    @Test
    void aClientSecretFileThatIsNoFileIsNeverEchoed() throws Exception {
        LoginException e = failure(LoginException.Exit.CONFIG_INVALID, ini("[Configuration]\nAuthority = https://kc.example/r\n"
                + "ClientId = c\nClientSecretFile = Zq8-the-secret-itself\n"), Overrides.NONE);
        assertFalse(e.getMessage().contains("Zq8"), e.getMessage());
        assertTrue(e.getMessage().contains("ClientSecretFile does not name a file (its value is not shown: it may be the secret itself"),
                e.getMessage());
    }

    // --- Issue 22: AuthParams as an allow-list ---

    @Test
    void authParamsTakeOnlyParametersThatCannotMoveOrUnbindTheCode() throws Exception {
        for (String refused : List.of("request=eyJhbGciOiJub25lIn0.e30.", "request_uri=urn:x", "response_mode=form_post",
                "response_mode=query.jwt", "prompt=none", "prompt=login%20none", "Prompt=login", "login\u00a0hint=a", "x%00y=1",
                "ui_lócales=de", "registration=x")) {
            LoginException e = failure(LoginException.Exit.CONFIG_INVALID, ini("[Configuration]\nAuthority = https://kc.example/r\n"
                    + "ClientId = c\nAuthParams = " + refused + "\n"), Overrides.NONE);
            assertTrue(e.getMessage().contains("AuthParams sets"), refused + ": " + e.getMessage());
        }
        LoginConfig config = load(ini("[Configuration]\nAuthority = https://kc.example/r\nClientId = c\nAuthParams = "
                + "ui_locales=de&login_hint=a%40b.example&prompt=select_account&max_age=600&audience=api&resource=https%3A%2F%2Fapi.example"
                + "&claims=%7B%7D&kc_idp_hint=corp\n"), Overrides.NONE);
        assertEquals(8, config.authParams().size(), config.authParams().toString());
    }
}
