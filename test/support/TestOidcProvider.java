package support;

import keycloak.LocalKeycloak;
import system.Http;
import system.HttpFailure;
import system.Urls;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The second real provider of the end-to-end tests: panva's oidc-provider (OpenID Certified), from
 * npm, on Node.js; installed once into the cache folder, started when a test first needs it, and
 * stopped when the run ends. Two servers of it: a standard provider (test/e2e/oidc-provider/server.mjs)
 * and one set up like OCS (ocs.mjs: its issuer at {Resource}/identity, the tenant required, an
 * Authorization Code client and a Hybrid client).
 */
public final class TestOidcProvider {

    public static final String VERSION = "9.13.3";
    public static final int PORT = 18090;
    public static final String CLIENT = "ocs-pkce-login";

    /** The OCS-like server: its port, tenant, clients and the Hybrid client's secret (ocs.mjs). */
    public static final int OCS_PORT = 18091;
    public static final String OCS_TENANT = "0a1b2c3d-1234-5678-9abc-def012345678";
    public static final String OCS_AUTHORIZATION_CODE_CLIENT = "ocs-authorization-code";
    public static final String OCS_HYBRID_CLIENT = "ocs-hybrid";
    public static final String OCS_HYBRID_SECRET = "ocs-hybrid-secret-for-the-tests-only";

    private static final java.util.Map<String, Process> RUNNING = new java.util.HashMap<>();

    private TestOidcProvider() {
    }

    public static URI issuer() {
        return URI.create("http://127.0.0.1:" + PORT);
    }

    /** The standard provider, running; installed (npm) and started first if needed. */
    public static synchronized URI get() {
        start("server.mjs", PORT, issuer());
        return issuer();
    }

    /** The OCS-like provider, running: its Resource (the issuer is {Resource}/identity). */
    public static synchronized URI ocs() {
        URI resource = URI.create("http://127.0.0.1:" + OCS_PORT);
        start("ocs.mjs", OCS_PORT, URI.create(resource + "/identity"));
        return resource;
    }

    private static void start(String script, int port, URI issuer) {
        Process process = RUNNING.get(script);
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            Path home = install();
            Path log = home.resolve("server-" + port + ".log");
            ProcessBuilder builder = new ProcessBuilder("node", script).directory(home.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().put("PORT", String.valueOf(port));
            builder.environment().put("TENANT", OCS_TENANT);
            builder.environment().put("HYBRID_SECRET", OCS_HYBRID_SECRET);
            process = builder.start();
            if (RUNNING.isEmpty()) {
                Runtime.getRuntime().addShutdownHook(new Thread(TestOidcProvider::stop));
            }
            RUNNING.put(script, process);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!answers(issuer)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("oidc-provider did not start; see " + log + ":\n" + Files.readString(log));
                }
                Thread.sleep(200);
            }
            System.out.println("[oidc-provider] " + VERSION + " serves " + issuer);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("oidc-provider could not be started: " + e, e);
        }
    }

    /** npm install oidc-provider@VERSION into the cache folder, once; the configurations copied in each time. */
    private static Path install() throws IOException, InterruptedException {
        Path home = LocalKeycloak.cacheFolder().resolve("oidc-provider-" + VERSION);
        Files.createDirectories(home);
        if (!Files.isDirectory(home.resolve("node_modules/oidc-provider"))) {
            System.out.println("[oidc-provider] npm install oidc-provider@" + VERSION);
            Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--no-save", "--prefix", home.toString(),
                    "oidc-provider@" + VERSION).redirectErrorStream(true).redirectOutput(home.resolve("npm.log").toFile()).start();
            if (!npm.waitFor(300, TimeUnit.SECONDS) || npm.exitValue() != 0) {
                throw new IOException("npm install oidc-provider@" + VERSION + " failed; see " + home.resolve("npm.log") + " (Node.js and npm"
                        + " are needed: apt-get install nodejs npm)");
            }
        }
        for (String script : java.util.List.of("server.mjs", "ocs.mjs")) {
            Files.copy(Path.of("test/e2e/oidc-provider").resolve(script), home.resolve(script), StandardCopyOption.REPLACE_EXISTING);
        }
        return home;
    }

    private static boolean answers(URI issuer) {
        try (Http http = new Http(Duration.ofSeconds(1), Duration.ofSeconds(2))) {
            return http.get(Urls.discoveryUrl(issuer), "discovery document").status() == 200;
        } catch (HttpFailure e) {
            return false;
        }
    }

    public static synchronized void stop() {
        for (Process process : RUNNING.values()) {
            if (process.isAlive()) {
                process.destroy();
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                process.destroyForcibly();
            }
        }
    }
}
