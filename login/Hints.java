package login;

import java.net.URI;
import system.Log;

/** What to do when a sign-in cannot go on: said once, here, for every message that needs it. */
final class Hints {

    private Hints() {
    }

    /** The way out with a browser on another machine: forward the redirect URI's port there. */
    static String forwardPort(int port) {
        return "ssh -L " + port + ":localhost:" + port + " THIS-HOST";
    }

    /** The other ways to sign in, as far as {@code provider} offers them. */
    static String otherWays(IdentityProvider provider, int port) {
        return (provider.deviceAuthorizationEndpoint().isPresent() ? "--device (sign in on another device with a code), " : "")
                + "--paste (sign in anywhere, then paste the address the browser ended at), or for a browser on another"
                + " machine forward the port first: " + forwardPort(port);
    }

    /**
     * Why a provider refuses a login before anyone signs in, most often: the client (its secret, when
     * {@code secretSent}), or its redirect URIs.
     */
    static String clientAndRedirectUri(String clientId, boolean secretSent, URI redirectUri) {
        return "check that ClientId '" + Log.printable(clientId, 80) + "' is a client of this provider that may use the"
                + " Authorization Code flow" + (secretSent ? ", that the secret configured is its secret," : ",")
                + " and that its redirect URIs hold " + redirectUri
                + " exactly";
    }

    /** " within N s (...)" for an address that refers to a pushed request, which lives that long; else nothing. */
    static String lifetime(IdentityProvider.Address address) {
        return address.expiresIn().map(time -> " within " + time.toSeconds() + " s (it refers to a pushed request, which lasts that long;"
                + " a new address is printed then)").orElse("");
    }

    /**
     * A provider's invalid_request for a request that was not pushed (--no-par) though the provider
     * takes pushed requests: some clients require them (Keycloak's per client), which discovery cannot say.
     */
    static LoginException withoutPushedRequest(LoginException e, IdentityProvider provider, IdentityProvider.Address address) {
        if (!(e instanceof LoginException.AuthorizationError refused) || address.pushed()
                || provider.pushedAuthorizationRequestEndpoint().isEmpty() || !"invalid_request".equals(refused.error())) {
            return e;
        }
        return refused.because("the provider takes pushed authorization requests (RFC 9126), which --no-par turned off, and some"
                + " clients require them: leave --no-par out");
    }
}
