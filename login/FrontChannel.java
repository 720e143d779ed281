package login;

import java.net.URI;
import java.time.Duration;
import system.Log;

/**
 * Steps 2 to 4 of Authorization Code + PKCE, the front channel: how the authorization request
 * reaches the provider through the user's browser, and how the authorization code comes back. In
 * a browser on this machine with the callback server ({@link BrowserSignIn}), or in a browser
 * anywhere with the address pasted back ({@link PasteBack}).
 */
public interface FrontChannel {

    /**
     * Step 2, first of all: the redirect URI made ready (listened on, or with --paste only named), so
     * that a port another program holds is said before anything slow.
     */
    Receiver listen(URI redirectUri) throws LoginException;

    /** The redirect URI, ready for this login's response; its address is the request's and the exchange's. */
    interface Receiver extends AutoCloseable {

        /** The redirect URI as it is used: the port filled in where the configured one was 0. */
        URI redirectUri();

        /**
         * Steps 3 and 4: sends the user to the authorization request's address (asking {@code addresses}
         * for a new one when a pushed request expires before it is opened), and returns the code that
         * comes back for {@code request}'s state, from {@code provider} (its {@code iss}).
         */
        String awaitCode(IdentityProvider provider, AuthorizationRequest request, Addresses addresses, Duration timeout, Log log)
                throws LoginException;

        /** Stops listening; the login has ended, one way or another. */
        @Override
        void close();
    }

    /** Step 3's address for the redirect URI; asked again when the one it gave refers to a pushed request that has expired. */
    @FunctionalInterface
    interface Addresses {
        IdentityProvider.Address next() throws LoginException;
    }
}
