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

            IdentityProvider.Address address = url.forRedirectUri(server.redirectUri());
            int port = server.redirectUri().getPort();
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
                            + " machine, or run again with " + Hints.otherWays(provider, port) + ". Waiting meanwhile.");
                }
            }

            log.step(4, "Waiting up to " + timeout.toSeconds() + " s for the authorization code (Ctrl-C ends the wait)."
                    + " If the browser shows the provider's error instead, such as an unknown client or an invalid redirect_uri,"
                    + " this login cannot succeed: " + Hints.clientAndRedirectUri(request.clientId(), server.redirectUri()));
            long end = System.nanoTime() + timeout.toNanos();
            // An address printed for a person to open may be opened later than its pushed request lives: a new one then.
            while (browser == Browser.NONE && address.expiresIn().isPresent()) {
                Duration left = Duration.ofNanos(end - System.nanoTime());
                if (left.isNegative() || server.responded(left.compareTo(address.expiresIn().get()) < 0 ? left : address.expiresIn().get())) {
                    break;
                }
                Duration expired = address.expiresIn().get();
                address = url.forRedirectUri(server.redirectUri());
                log.info("The address above has expired (its pushed request lasts " + expired.toSeconds() + " s); open this one instead"
                        + Hints.lifetime(address) + ":");
                log.info(address.url().toString());
            }
            Duration left = Duration.ofNanos(Math.max(0, end - System.nanoTime()));
            return new AuthorizationCode(server.awaitCode(left, timeout), server.redirectUri());
        }
    }
}
