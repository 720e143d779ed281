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
 * stopped when the run ends. Its configuration is test/e2e/oidc-provider/server.mjs.
 */
public final class TestOidcProvider {

    public static final String VERSION = "9.13.3";
    public static final int PORT = 18090;
    public static final String CLIENT = "ocs-pkce-login";

    private static Process process;

    private TestOidcProvider() {
    }

    public static URI issuer() {
        return URI.create("http://127.0.0.1:" + PORT);
    }

    /** The provider, running; installed (npm) and started first if needed. */
    public static synchronized URI get() {
        if (process == null || !process.isAlive()) {
            try {
                Path home = install();
                Path log = home.resolve("server-" + PORT + ".log");
                ProcessBuilder builder = new ProcessBuilder("node", "server.mjs").directory(home.toFile()).redirectErrorStream(true)
                        .redirectOutput(log.toFile());
                builder.environment().put("PORT", String.valueOf(PORT));
                process = builder.start();
                Runtime.getRuntime().addShutdownHook(new Thread(TestOidcProvider::stop));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!answers()) {
                    if (!process.isAlive() || System.nanoTime() > deadline) {
                        throw new IllegalStateException("oidc-provider did not start; see " + log + ":\n" + Files.readString(log));
                    }
                    Thread.sleep(200);
                }
                System.out.println("[oidc-provider] " + VERSION + " serves " + issuer());
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("oidc-provider could not be started: " + e, e);
            }
        }
        return issuer();
    }

    /** npm install oidc-provider@VERSION into the cache folder, once; the configuration copied in each time. */
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
        Files.copy(Path.of("test/e2e/oidc-provider/server.mjs"), home.resolve("server.mjs"), StandardCopyOption.REPLACE_EXISTING);
        return home;
    }

    private static boolean answers() {
        try (Http http = new Http(Duration.ofSeconds(1), Duration.ofSeconds(2))) {
            return http.get(Urls.discoveryUrl(issuer()), "discovery document").status() == 200;
        } catch (HttpFailure e) {
            return false;
        }
    }

    public static synchronized void stop() {
        if (process != null && process.isAlive()) {
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
