package login;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Proof Key for Code Exchange (RFC 7636): the {@code code_verifier} and its S256 {@code code_challenge}.
 * (Part of the {@code login} package, kept at the top of the repository to be read first.)
 *
 * <p>Only the S256 method exists here: {@code plain} sends the verifier itself through the browser,
 * which is exactly what PKCE is meant to avoid (RFC 7636 §4.2, §7.2).
 */
public final class PkceUtil {

    /** The only {@code code_challenge_method} this client sends. */
    public static final String CODE_CHALLENGE_METHOD = "S256";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private PkceUtil() {
    }

    /**
     * A fresh {@code code_verifier}: 32 random octets, base64url-encoded without padding, which gives
     * 43 characters of the unreserved alphabet {@code [A-Za-z0-9-_]}.
     *
     * @see <a href="https://www.rfc-editor.org/rfc/rfc7636#section-4.1">RFC 7636 §4.1</a>
     */
    public static String newCodeVerifier() {
        return randomBase64Url(32);
    }

    /**
     * {@code code_challenge = BASE64URL-ENCODE(SHA256(ASCII(code_verifier)))}.
     *
     * @see <a href="https://www.rfc-editor.org/rfc/rfc7636#section-4.2">RFC 7636 §4.2</a>
     */
    public static String codeChallenge(String codeVerifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(codeVerifier.getBytes(StandardCharsets.US_ASCII));
            return BASE64URL.encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** {@code octets} random octets, base64url-encoded without padding: the alphabet of every secret of a login. */
    static String randomBase64Url(int octets) {
        byte[] bytes = new byte[octets];
        RANDOM.nextBytes(bytes);
        return BASE64URL.encodeToString(bytes);
    }
}
