package login;

import java.net.URI;
import java.time.Duration;
import system.Browser;
import system.Log;

/**
 * Steps 2 to 4 in a browser on this machine: the callback server listens on the redirect URI, the
 * browser is sent to the provider, and the authorization code comes back to the server.
 */
public final class BrowserSignIn implements FrontChannel {

    private final Browser browser;

    /** Signs in with {@code browser}; {@link Browser#NONE} prints the address for the user to open. */
    public BrowserSignIn(Browser browser) {
        this.browser = browser;
    }

    @Override
    public Receiver listen(URI redirectUri) throws LoginException {
        CallbackServer server = CallbackServer.start(redirectUri);
        return new Listening(server.redirectUri(), (provider, request, addresses, timeout, log) -> awaitCode(server, provider, request,
                addresses, timeout, log), server::close);
    }

    private String awaitCode(CallbackServer server, IdentityProvider provider, AuthorizationRequest request, Addresses addresses,
            Duration timeout, Log log) throws LoginException {
        log.step(2, "Listening for the redirect on " + server.redirectUri());
        server.expect(new AuthorizationResponse.Expected(request.state(), provider.issuer(), provider.issParameterSupported()));

        IdentityProvider.Address address = addresses.next();
        if (browser == Browser.NONE) {
            log.step(3, "Open this URL in a browser to sign in" + Hints.lifetime(address) + ":");
            log.info(address.url().toString());
        } else {
            log.step(3, "Opening the browser to sign in; if it does not open, open this URL yourself:");
            log.info(address.url().toString());
            try {
                browser.open(address.url());
            } catch (Exception e) {
                log.info("No browser could be opened (" + e.getMessage() + "). Open the URL above in a browser on this"
                        + " machine, or run again with " + Hints.otherWays(provider, server.redirectUri().getPort()) + ". Waiting meanwhile.");
            }
        }

        log.step(4, "Waiting up to " + timeout.toSeconds() + " s for the authorization code (Ctrl-C ends the wait)."
                + " If the browser shows the provider's error instead, such as an unknown client or an invalid redirect_uri,"
                + " this login cannot succeed: " + Hints.clientAndRedirectUri(request.clientId(), false,
                        server.redirectUri()));
        long end = System.nanoTime() + timeout.toNanos();
        if (browser == Browser.NONE) { // an address printed for a person to open, who may open it later than its pushed request lives
            address = Listening.renewing(address, addresses, end, server::responded, "", log);
        }
        try {
            return server.awaitCode(Duration.ofNanos(Math.max(0, end - System.nanoTime())), timeout);
        } catch (LoginException e) {
            throw Hints.withoutPushedRequest(e, provider, address);
        }
    }
}
