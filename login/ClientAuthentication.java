package login;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who the client is at the provider's back channel, and how it proves it (RFC 6749 §2.3): a public
 * client names itself ({@code client_id}, the method {@code none}); a confidential client (a
 * machine's, or a person's login with a secret) adds its secret, in an HTTP Basic header
 * ({@code client_secret_basic}) or, where the provider lists only that, in the form
 * ({@code client_secret_post}). Every request of a login to the back channel carries it.
 */
public sealed interface ClientAuthentication {

    String clientId();

    /** Where the user configures a secret, for messages: the command line says (its settings' names are its own). */
    String whereTheSecretGoes();

    /** Adds this client to {@code form}; the {@code Authorization} header it needs, if any. */
    Optional<String> applyTo(Map<String, Object> form, List<String> methodsSupported);

    /** The kind of client, as --status shows it: "public" or "confidential". */
    String kind();

    /** A public client: no secret (RFC 8252 §8.4: a native app cannot keep one). */
    record None(String clientId, String whereTheSecretGoes) implements ClientAuthentication {
        @Override
        public Optional<String> applyTo(Map<String, Object> form, List<String> methodsSupported) {
            form.put("client_id", clientId);
            return Optional.empty();
        }

        @Override
        public String kind() {
            return "public";
        }
    }

    /** A confidential client, with its secret; which is never shown. */
    record Secret(String clientId, char[] secret, String whereTheSecretGoes) implements ClientAuthentication {
        @Override
        public Optional<String> applyTo(Map<String, Object> form, List<String> methodsSupported) {
            if (methodsSupported.contains("client_secret_post") && !methodsSupported.contains("client_secret_basic")) {
                form.put("client_id", clientId);
                form.put("client_secret", new String(secret));
                return Optional.empty();
            }
            String pair = URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":" + URLEncoder.encode(new String(secret), StandardCharsets.UTF_8);
            return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public String kind() {
            return "confidential";
        }

        @Override
        public String toString() {
            return "Secret[clientId=" + clientId + ", secret=(hidden)]";
        }
    }
}
