import java.net.URI;
import java.time.Duration;

/**
 * Steps 2 to 4 in a browser on this machine: the callback server listens on the redirect URI, the
 * browser is sent to the provider, and the authorization code comes back to the server.
 */
final class BrowserSignIn implements FrontChannel {

    private final Browser browser;

    BrowserSignIn(Browser browser) {
        this.browser = browser;
    }

    @Override
    public AuthorizationCode authorize(IdentityProvider provider, AuthorizationRequest request, AuthorizationUrl url, URI redirectUri,
            Duration timeout, Log log) throws LoginException {
        try (CallbackServer server = CallbackServer.start(redirectUri,
                new AuthorizationResponse.Expected(request.state(), provider.issuer(), provider.issParameterSupported()))) {
            log.step(2, "Listening for the redirect on " + server.redirectUri());

            URI authorizationUrl = url.forRedirectUri(server.redirectUri());
            int port = server.redirectUri().getPort();
            if (browser == Browser.NONE) {
                log.step(3, "Open this URL in a browser to sign in:");
                log.info(authorizationUrl.toString());
            } else {
                log.step(3, "Opening the browser to sign in; if it does not open, open this URL yourself:");
                log.info(authorizationUrl.toString());
                try {
                    browser.open(authorizationUrl);
                } catch (Exception e) {
                    log.info("No browser could be opened (" + e.getMessage() + "). Open the URL above in a browser on this"
                            + " machine, or run again with " + Hints.otherWays(provider, port) + ". Waiting meanwhile.");
                }
            }

            log.step(4, "Waiting up to " + timeout.toSeconds() + " s for the authorization code (Ctrl-C ends the wait)."
                    + " If the browser shows the provider's error instead, such as an unknown client or an invalid redirect_uri,"
                    + " this login cannot succeed: " + Hints.clientAndRedirectUri(request.clientId(), server.redirectUri()));
            return new AuthorizationCode(server.awaitCode(timeout), server.redirectUri());
        }
    }
}
