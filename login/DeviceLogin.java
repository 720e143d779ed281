package login;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.json.JSONObject;
import system.Browser;
import system.Log;

/**
 * {@code --device}: the device authorization grant (RFC 8628), for a machine where no browser can
 * reach the redirect URI. The user opens a short address on any device (a phone will do) and
 * enters a code; meanwhile this program polls the token endpoint. No redirect URI and no nonce: the
 * tokens are bound to the device code (and, beyond RFC 8628, to a PKCE code verifier, which some
 * providers require and others ignore). The result is checked like a login's, by {@link TokenCheck}.
 */
public final class DeviceLogin {

    /** RFC 8628 §3.5: the interval when the provider names none, and what slow_down adds to it. */
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    static final Duration SLOW_DOWN = Duration.ofSeconds(5);

    /** The answer of the device authorization endpoint (RFC 8628 §3.2). */
    record DeviceCode(String deviceCode, String userCode, URI verificationUri, Optional<URI> verificationUriComplete,
            Duration expiresIn, Duration interval) {
        @Override
        public String toString() {
            return "DeviceCode[deviceCode=(hidden), userCode=" + userCode + ", verificationUri=" + verificationUri + "]";
        }
    }

    private DeviceLogin() {
    }

    /** Steps 2 to 5 with a device code in place of the browser's redirect, on the provider discovered in step 1. */
    public static TokenResponse login(ProviderConnection connection, LoginConfig config, Browser browser, Limits limits, Log log)
            throws LoginException {
        IdentityProvider provider = connection.provider();
        if (provider.deviceAuthorizationEndpoint().isEmpty()) {
            throw new LoginException(LoginException.Exit.AUTHORIZATION_FAILED, "The provider offers no device flow: its discovery"
                    + " document has no device_authorization_endpoint (RFC 8628). Sign in from another machine with --paste instead");
        }
        connection.check().idTokensCanBeChecked();
        AuthorizationRequest request = AuthorizationRequest.create(config); // its code_verifier, client, scope and tenant

        log.step(2, "Asking for a device code at " + provider.deviceAuthorizationEndpoint().get());
        DeviceCode code = read(connection.deviceAuthorization(request), provider.deviceAuthorizationEndpoint().get());

        log.step(3, "On any device, open " + code.verificationUri() + " and enter the code " + code.userCode());
        if (browser != Browser.NONE && code.verificationUriComplete().isPresent()) {
            try {
                browser.open(code.verificationUriComplete().get());
                log.info("(A browser on this machine was opened at that address, with the code filled in.)");
            } catch (Exception e) {
                log.detail("no browser on this machine (" + e.getMessage() + "): use another device");
            }
        }

        Duration wait = code.expiresIn().compareTo(limits.callbackTimeout()) < 0 ? code.expiresIn() : limits.callbackTimeout();
        log.step(4, "Waiting up to " + wait.toSeconds() + " s for the sign-in on that device (Ctrl-C ends the wait)...");
        JSONObject tokens = poll(connection, code, request.codeVerifier(), wait);

        log.step(5, "The sign-in was approved; the token endpoint answered with the tokens");
        TokenResponse checked = connection.check().ofLogin(tokens, null, log);
        log.step(6, "Got an access token" + checked.validFor() + "; it goes to stdout");
        return checked;
    }

    /** Checks the device authorization answer: every field RFC 8628 §3.2 requires, and addresses the URL rule allows. */
    static DeviceCode read(JSONObject answer, URI endpoint) throws LoginException {
        String deviceCode = required(answer, "device_code", endpoint);
        String userCode = required(answer, "user_code", endpoint);
        if (!userCode.matches("[\\p{Alnum}\\-_ ]{1,64}")) {
            throw LoginException.providerInvalid(Endpoint.DEVICE_AUTHORIZATION, endpoint, "gave a user_code that no person could type");
        }
        // "verification_url" is what some providers (Google) send.
        String verificationName = answer.has("verification_uri") ? "verification_uri" : "verification_url";
        URI verificationUri = address(required(answer, verificationName, endpoint), verificationName, endpoint);
        Optional<URI> complete = answer.opt("verification_uri_complete") instanceof String text
                ? Optional.of(address(text, "verification_uri_complete", endpoint)) : Optional.empty();
        long expiresIn = answer.optLong("expires_in", 0);
        if (expiresIn <= 0) {
            throw LoginException.providerInvalid(Endpoint.DEVICE_AUTHORIZATION, endpoint, "gave no expires_in");
        }
        long interval = answer.optLong("interval", DEFAULT_INTERVAL.toSeconds());
        return new DeviceCode(deviceCode, userCode, verificationUri, complete, Duration.ofSeconds(expiresIn),
                Duration.ofSeconds(Math.max(1, Math.min(interval, 60))));
    }

    /**
     * Polls the token endpoint every {@code interval} (RFC 8628 §3.4, §3.5): on authorization_pending
     * it goes on, on slow_down it waits 5 s longer from then on, and it ends on the tokens, on
     * access_denied, on expired_token, on any other error, or when {@code wait} has passed, whatever
     * the interval: a poll that would come after the deadline is not made.
     */
    static JSONObject poll(ProviderConnection connection, DeviceCode code, String codeVerifier, Duration wait) throws LoginException {
        long deadline = System.nanoTime() + wait.toNanos();
        Duration interval = code.interval();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left < interval.toNanos()) {
                sleep(Duration.ofNanos(Math.max(0, left)));
                throw new LoginException(LoginException.Exit.CALLBACK_TIMEOUT, "The sign-in on the other device was not finished within "
                        + wait.toSeconds() + " s (the code lasts " + code.expiresIn().toSeconds() + " s; --timeout SECONDS waits longer)");
            }
            sleep(interval);
            try {
                return connection.pollDeviceCode(code.deviceCode(), codeVerifier);
            } catch (LoginException.TokenError e) {
                switch (e.error()) {
                    case "authorization_pending" -> {
                        // the user has not finished yet
                    }
                    case "slow_down" -> interval = interval.plus(SLOW_DOWN);
                    case "access_denied" -> throw new LoginException.AuthorizationError("access_denied", e.errorDescription().orElse(null));
                    case "expired_token" -> throw new LoginException(LoginException.Exit.CALLBACK_TIMEOUT,
                            "The device code expired before the sign-in was finished; run again for a new one");
                    default -> throw e;
                }
            }
        }
    }

    private static String required(JSONObject answer, String name, URI endpoint) throws LoginException {
        if (answer.opt(name) instanceof String value && !value.isBlank()) {
            return value;
        }
        throw LoginException.providerInvalid(Endpoint.DEVICE_AUTHORIZATION, endpoint, "gave no " + name);
    }

    private static URI address(String text, String name, URI endpoint) throws LoginException {
        return IdentityProvider.address(text, name, Endpoint.DEVICE_AUTHORIZATION, endpoint);
    }

    private static void sleep(Duration interval) throws LoginException {
        try {
            Thread.sleep(interval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoginException(LoginException.Exit.CANCELLED, "Interrupted while waiting for the sign-in on the other device");
        }
    }
}
