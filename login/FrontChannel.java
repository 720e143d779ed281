import java.net.URI;
import java.time.Duration;

/**
 * Steps 2 to 4 of Authorization Code + PKCE, the front channel: how the authorization request
 * reaches the provider through the user's browser, and how the authorization code comes back. In
 * a browser on this machine with the callback server ({@link BrowserSignIn}), or in a browser
 * anywhere with the address pasted back ({@link PasteBack}).
 */
@FunctionalInterface
interface FrontChannel {

    /** The authorization code, and the redirect URI it was delivered to (the token request must repeat it, RFC 6749 §4.1.3). */
    record AuthorizationCode(String code, URI redirectUri) {
        @Override
        public String toString() {
            return "AuthorizationCode[code=(hidden), redirectUri=" + redirectUri + "]";
        }
    }

    /**
     * Step 3's address for the browser, once the redirect URI is known (its port may be chosen only
     * when it listens); asked again for a new one when a pushed request's address has expired.
     */
    @FunctionalInterface
    interface AuthorizationUrl {
        IdentityProvider.Address forRedirectUri(URI redirectUri) throws LoginException;
    }

    /**
     * Steps 2 to 4: sends the user to {@code url}'s address for {@code redirectUri}, and returns the
     * code that comes back for {@code request}'s state, from {@code provider} (its {@code iss}).
     */
    AuthorizationCode authorize(IdentityProvider provider, AuthorizationRequest request, AuthorizationUrl url, URI redirectUri,
            Duration timeout, Log log) throws LoginException;
}
