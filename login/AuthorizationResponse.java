package login;

import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import system.Log;

/**
 * The verdict on one authorization response (RFC 6749 §4.1.2), judged from its query alone: no
 * sockets here, so that the callback server and a pasted redirect URL are held to the same rules.
 *
 * <p>The checks run in the order of RFC 9207 §2.4: {@code iss}, then {@code state}, then
 * {@code error}, then {@code code}. A response for another login (no or another {@code state}) is
 * {@link Refused} and the wait goes on; a response for this login ends it, {@link Accepted} with its
 * code or {@link Failed}.
 */
sealed interface AuthorizationResponse {

    /** This login's response, with its authorization code. */
    record Accepted(String code) implements AuthorizationResponse {
        @Override
        public String toString() {
            return "Accepted[code=(hidden)]";
        }
    }

    /** This login's response, but an error from the provider or a response that fails validation: the login ends. */
    record Failed(LoginException failure) implements AuthorizationResponse {
    }

    /** Not a response for this login (or not a well-formed one): refused, and the wait goes on. */
    record Refused(String reason) implements AuthorizationResponse {
    }

    /** This login's {@code state}, and the issuer that must appear as {@code iss} when sent or promised. */
    record Expected(String state, String issuer, boolean issuerRequired) {
    }

    /** Judges the raw (still percent-encoded) query of a request to the redirect URI. */
    static AuthorizationResponse judge(String rawQuery, Expected expected) {
        Map<String, String> response;
        try {
            response = parseQuery(rawQuery);
        } catch (IllegalArgumentException e) {
            return new Refused(e.getMessage());
        }
        String state = response.get("state");
        boolean ours = state != null && MessageDigest.isEqual(
                state.getBytes(StandardCharsets.UTF_8), expected.state().getBytes(StandardCharsets.UTF_8));
        String iss = response.get("iss");
        if (iss != null ? !iss.equals(expected.issuer()) : expected.issuerRequired()) {
            String problem = iss == null
                    ? "The authorization response has no iss, though the identity provider promises one (RFC 9207)"
                    : "The authorization response comes from the issuer '" + Log.printable(iss)
                            + "', not from " + expected.issuer() + " (RFC 9207 mix-up protection)";
            return ours ? new Failed(new LoginException(LoginException.Exit.AUTHORIZATION_FAILED, problem)) : new Refused(problem);
        }
        if (!ours) {
            return new Refused(state != null
                    ? "This response's state does not belong to the login in progress."
                    : "This response has no state, so it cannot belong to the login in progress.");
        }
        if (response.containsKey("error")) {
            return new Failed(new LoginException.AuthorizationError(response.get("error"), response.get("error_description")));
        }
        String code = response.get("code");
        if (code == null || code.isEmpty()) {
            return new Failed(new LoginException(LoginException.Exit.AUTHORIZATION_FAILED,
                    "The authorization response has neither a code nor an error"));
        }
        return new Accepted(code);
    }

    /**
     * Judges an address the browser ended at (pasted by the user, {@code --paste}): it must be the
     * redirect URI itself, scheme, host, port and path, and then its query is judged like any callback.
     */
    static AuthorizationResponse fromRedirect(String address, java.net.URI redirectUri, Expected expected) {
        java.net.URI url;
        try {
            url = new java.net.URI(address.strip());
        } catch (java.net.URISyntaxException e) {
            return new Refused("It is not an address (" + e.getReason() + ").");
        }
        boolean sameEndpoint = redirectUri.getScheme().equalsIgnoreCase(String.valueOf(url.getScheme()))
                && redirectUri.getHost().equalsIgnoreCase(String.valueOf(url.getHost()))
                && redirectUri.getPort() == url.getPort()
                && redirectUri.getRawPath().equals(url.getRawPath());
        if (!sameEndpoint) {
            return new Refused("It does not start with the redirect URI " + redirectUri + ".");
        }
        return judge(url.getRawQuery(), expected);
    }

    /**
     * Decodes a form-encoded query strictly: broken percent-encoding, invalid UTF-8 and repeated
     * parameters are errors (RFC 6749 §3.1: parameters MUST NOT be included more than once).
     */
    static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> parameters = new HashMap<>();
        if (rawQuery == null) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            if (parameters.put(name, value) != null) {
                throw new IllegalArgumentException("The parameter '" + Log.printable(name, 40) + "' appears more than once.");
            }
        }
        return parameters;
    }

    private static String decode(String encoded) {
        try {
            // Percent-decoding to bytes (as ISO-8859-1 chars), then strict UTF-8: invalid sequences fail.
            byte[] bytes = URLDecoder.decode(encoded, StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.ISO_8859_1);
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw new IllegalArgumentException("The query is not valid percent-encoded UTF-8.");
        }
    }
}
