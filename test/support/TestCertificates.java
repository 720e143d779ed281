package support;

import keycloak.LocalKeycloak;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A private CA and a server certificate it issued (for localhost, keycloak.invalid and 127.0.0.1),
 * made once with the JDK's keytool and kept in the cache folder beside the local Keycloak that
 * serves https with them: the company CA of the trust and proxy tests.
 */
public final class TestCertificates {

    public static final String PASSWORD = "changeit";

    private TestCertificates() {
    }

    public static Path folder() {
        return LocalKeycloak.cacheFolder().resolve("test-tls");
    }

    /** The server's key store (PKCS12), for Keycloak's https listener. */
    public static synchronized Path serverKeyStore() {
        Path keyStore = folder().resolve("server.p12");
        if (!Files.exists(keyStore) || !Files.exists(folder().resolve("ca.pem"))) {
            make();
        }
        return keyStore;
    }

    /** The CA's certificate (PEM): what --ca-file gets. */
    public static Path caPem() {
        serverKeyStore();
        return folder().resolve("ca.pem");
    }

    private static void make() {
        try {
            Path folder = Files.createDirectories(folder());
            for (String file : List.of("ca.p12", "ca.pem", "server.p12", "server.csr", "server.pem")) {
                Files.deleteIfExists(folder.resolve(file));
            }
            keytool(folder, "-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=ocs-pkce-login test CA",
                    "-ext", "bc:c", "-validity", "3650", "-keystore", "ca.p12", "-storepass", PASSWORD, "-storetype", "PKCS12");
            keytool(folder, "-exportcert", "-alias", "ca", "-rfc", "-keystore", "ca.p12", "-storepass", PASSWORD, "-file", "ca.pem");
            keytool(folder, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                    "-validity", "3650", "-keystore", "server.p12", "-storepass", PASSWORD, "-storetype", "PKCS12");
            keytool(folder, "-certreq", "-alias", "server", "-keystore", "server.p12", "-storepass", PASSWORD, "-file", "server.csr");
            keytool(folder, "-gencert", "-alias", "ca", "-keystore", "ca.p12", "-storepass", PASSWORD, "-infile", "server.csr",
                    "-outfile", "server.pem", "-rfc", "-validity", "3650", "-ext", "SAN=dns:localhost,dns:keycloak.invalid,ip:127.0.0.1",
                    "-ext", "KU=digitalSignature,keyEncipherment", "-ext", "EKU=serverAuth");
            keytool(folder, "-importcert", "-alias", "ca", "-file", "ca.pem", "-keystore", "server.p12", "-storepass", PASSWORD, "-noprompt");
            keytool(folder, "-importcert", "-alias", "server", "-file", "server.pem", "-keystore", "server.p12", "-storepass", PASSWORD);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("The test certificates could not be made: " + e, e);
        }
    }

    private static void keytool(Path folder, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + output);
        }
    }
}
