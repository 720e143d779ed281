package cli;

import login.*;
import system.*;
import support.*;
import keycloak.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/**
 * The local Keycloak over https with a private CA, as a company's provider would be: refused
 * without --ca-file, with its own exit code; a login with it. And the same Keycloak behind a
 * forward proxy that alone can resolve its name (keycloak.invalid): HTTPS_PROXY with credentials,
 * NO_PROXY, and a proxy that refuses, wants credentials, or is not there.
 */
class TlsAndProxyTest {

    private static final String CLIENT = "ocs-pkce-login";

    @Test
    void aPrivateCaIsRefusedWithItsOwnExitCodeAndThePointerToCaFile() {
        Cli.Run run = Cli.run(Browser.NONE, "--authority", TestKeycloak.httpsIssuer("localhost").toString(), "--client-id", CLIENT,
                "--timeout", "5");
        assertEquals(LoginException.Exit.TLS_UNTRUSTED.code, run.exitCode(), run.toString());
        assertEquals(1, run.errorLines().size(), run.toString());
        assertTrue(run.errorLines().get(0).contains("The TLS certificate of localhost is not trusted")
                && run.errorLines().get(0).contains("--ca-file FILE, or CaFile in config.ini"), run.toString());
    }

    @Test
    void withCaFileTheLoginOverHttpsSucceeds() throws Exception {
        try (Chromium chromium = Chromium.start("--ignore-certificate-errors")) {
            Browser signingIn = url -> {
                chromium.driver.get(url.toString());
                SignIn.KEYCLOAK.signIn(chromium.driver, TestKeycloak.username(), TestKeycloak.password());
            };
            Cli.Run run = Cli.run(signingIn, "--authority", TestKeycloak.httpsIssuer("localhost").toString(), "--client-id", CLIENT,
                    "--ca-file", TestCertificates.caPem().toString(), "--output", "json", "--timeout", "60");
            assertEquals(0, run.exitCode(), run.toString());
            assertEquals(TestKeycloak.httpsIssuer("localhost").toString(),
                    new JSONObject(run.out()).getJSONObject("id_token_claims").getString("iss"), "signed in over https");
        }
    }

    @Test
    void aCaFileThatIsNotPemIsAConfigError() throws Exception {
        java.nio.file.Path notPem = java.nio.file.Files.writeString(java.nio.file.Files.createTempFile("not-a-ca", ".pem"), "hello");
        Cli.Run run = Cli.run(Browser.NONE, "--authority", TestKeycloak.httpsIssuer("localhost").toString(), "--client-id", CLIENT,
                "--ca-file", notPem.toString());
        assertEquals(LoginException.Exit.CONFIG_INVALID.code, run.exitCode(), run.toString());
        assertTrue(run.errorLines().get(0).contains("The CA file " + notPem + " cannot be used"), run.toString());
    }

    /** A login through an authenticated proxy, to a provider whose name only the proxy can resolve. */
    @Test
    void throughAProxyWithCredentialsTheLoginReachesWhatOnlyTheProxyCanResolve() throws Exception {
        try (ForwardProxy proxy = new ForwardProxy("user:s3cret", false);
                Chromium chromium = Chromium.start("--ignore-certificate-errors", "--host-resolver-rules=MAP keycloak.invalid 127.0.0.1");
                CliProcess cli = CliProcess.start(Map.of("HTTPS_PROXY", "http://user:s3cret@127.0.0.1:" + proxy.port()),
                        "--authority", TestKeycloak.httpsIssuer("keycloak.invalid").toString(), "--client-id", CLIENT,
                        "--ca-file", TestCertificates.caPem().toString(), "--no-browser", "--output", "json", "--timeout", "60")) {
            chromium.driver.get(cli.awaitAuthorizationUrl());
            SignIn.KEYCLOAK.signIn(chromium.driver, TestKeycloak.username(), TestKeycloak.password());
            assertEquals(0, cli.waitFor(Duration.ofSeconds(30)), cli.err());
            assertEquals(TestKeycloak.httpsIssuer("keycloak.invalid").toString(),
                    new JSONObject(cli.out()).getJSONObject("id_token_claims").getString("iss"));
            assertTrue(proxy.connects.contains("keycloak.invalid:18443"), "the proxy saw the CONNECT: " + proxy.connects);
            assertTrue(proxy.authorized.contains("user:s3cret"), "with the credentials of HTTPS_PROXY");
            assertFalse(cli.err().contains("s3cret"), "the proxy's password is never printed");
        }
    }

    @Test
    void noProxyNamesTheHostsThatAreReachedDirectly() throws Exception {
        try (ForwardProxy proxy = new ForwardProxy(null, false);
                CliProcess cli = CliProcess.start(Map.of("HTTPS_PROXY", "http://127.0.0.1:" + proxy.port(), "NO_PROXY", "example.com,.invalid"),
                        "--authority", TestKeycloak.httpsIssuer("keycloak.invalid").toString(), "--client-id", CLIENT, "--timeout", "10")) {
            assertEquals(LoginException.Exit.PROVIDER_UNREACHABLE.code, cli.waitFor(Duration.ofSeconds(60)), cli.err());
            assertTrue(cli.err().contains("Unknown host keycloak.invalid") && cli.err().contains("NO_PROXY names it"), cli.err());
            assertEquals(List.of(), proxy.connects, "the proxy saw nothing");
        }
    }

    @Test
    void aProxyThatRefusesTheTunnelIsNamed() throws Exception {
        try (ForwardProxy proxy = new ForwardProxy(null, true);
                CliProcess cli = CliProcess.start(Map.of("https_proxy", "127.0.0.1:" + proxy.port()),
                        "--authority", TestKeycloak.httpsIssuer("keycloak.invalid").toString(), "--client-id", CLIENT, "--timeout", "10")) {
            assertEquals(LoginException.Exit.PROVIDER_UNREACHABLE.code, cli.waitFor(Duration.ofSeconds(60)), cli.err());
            assertTrue(cli.err().contains("the proxy 127.0.0.1:" + proxy.port() + " (https_proxy) refused to open a tunnel to"
                    + " keycloak.invalid:18443"), cli.err());
        }
    }

    @Test
    void aProxyThatWantsCredentialsSaysSo() throws Exception {
        try (ForwardProxy proxy = new ForwardProxy("user:pw", false);
                CliProcess cli = CliProcess.start(Map.of("HTTPS_PROXY", "http://127.0.0.1:" + proxy.port()),
                        "--authority", TestKeycloak.httpsIssuer("keycloak.invalid").toString(), "--client-id", CLIENT, "--timeout", "10")) {
            assertEquals(LoginException.Exit.PROVIDER_UNREACHABLE.code, cli.waitFor(Duration.ofSeconds(60)), cli.err());
            assertTrue(cli.err().contains("it wants credentials (http://user:password@host:port in HTTPS_PROXY)"), cli.err());
        }
    }

    @Test
    void aProxyThatIsNotThereIsNamed() throws Exception {
        int closed;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = probe.getLocalPort();
        }
        try (CliProcess cli = CliProcess.start(Map.of("HTTPS_PROXY", "http://127.0.0.1:" + closed),
                "--authority", TestKeycloak.httpsIssuer("keycloak.invalid").toString(), "--client-id", CLIENT, "--timeout", "10")) {
            assertEquals(LoginException.Exit.PROVIDER_UNREACHABLE.code, cli.waitFor(Duration.ofSeconds(60)), cli.err());
            assertTrue(cli.err().contains("Could not connect to the proxy 127.0.0.1:" + closed + " (HTTPS_PROXY)"), cli.err());
        }
    }
}
