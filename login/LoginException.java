package login;

import java.net.URI;
import java.util.Optional;
import system.HttpFailure;
import system.Log;

/**
 * Why a login did not end with a token: one typed failure per way it can go wrong, each with its
 * own exit code and a one-line message for the user. OAuth failures also carry the {@code error}
 * and {@code error_description} the identity provider sent (RFC 6749 §4.1.2.1 and §5.2).
 */
public class LoginException extends Exception {

    /** The process exit codes, as documented in the README and in {@code --help}. */
    public enum Exit {
        OK(0, "success: the access token was printed (or --logout, --help, --version did their work)"),
        INTERNAL(1, "unexpected internal error (a bug: run with --verbose and report it)"),
        USAGE(2, "unknown option or bad argument on the command line"),
        CONFIG_FILE_MISSING(3, "the config file does not exist"),
        CONFIG_KEY_MISSING(4, "a required config key is missing or empty"),
        CONFIG_PLACEHOLDER(5, "a config value is still the placeholder from config.placeholder.ini"),
        CONFIG_INVALID(6, "a config value is malformed (URL, number, INI syntax)"),
        PORT_IN_USE(7, "the redirect URI's port is taken by another program"),
        PROVIDER_UNREACHABLE(8, "the identity provider could not be reached in time, or failed (HTTP 5xx)"),
        PROVIDER_INVALID(9, "the identity provider answered with something we must not accept"),
        AUTHORIZATION_FAILED(10, "the authorization was refused (in the browser, at the device or pushed request endpoint)"
                + " or its response failed validation"),
        CALLBACK_TIMEOUT(11, "no authorization response reached the redirect URI in time"),
        TOKEN_REJECTED(12, "the token endpoint refused the code, the scope or the client's credentials (for example invalid_grant)"),
        ID_TOKEN_INVALID(13, "the ID token failed validation (OpenID Connect Core section 3.1.3.7)"),
        KEYCLOAK_FAILED(14, "the local Keycloak of --demo could not be fetched or started, or its port or folder is not this"
                + " user's"),
        CANNOT_LISTEN(15, "the redirect URI could not be listened on (no usable loopback address)"),
        CANCELLED(16, "the login was cancelled before it ended"),
        CACHE_FAILED(17, "the token cache or a found config file is not this user's alone, or the cache was locked too long"),
        TLS_UNTRUSTED(18, "the provider's TLS certificate is not trusted (a company CA? see --ca-file)"),
        SECRET_UNSAFE(19, "a client secret file is not this user's alone, or others could read it"),
        KEYCHAIN_UNAVAILABLE(20, "TokenStore = keychain, but there is no keychain to use (no Secret Service, no secret-tool)"),
        KEYCHAIN_LOCKED(21, "the keychain is locked, or its unlock was declined"),
        API_REFUSED(22, "the API of 'ocs-login api' answered with an HTTP error, or a redirect it did not follow");

        public final int code;
        public final String meaning;

        Exit(int code, String meaning) {
            this.code = code;
            this.meaning = meaning;
        }
    }

    private final Exit exit;

    public LoginException(Exit exit, String message) {
        this(exit, message, null);
    }

    public LoginException(Exit exit, String message, Throwable cause) {
        super(message, cause);
        this.exit = exit;
    }

    public Exit exit() {
        return exit;
    }

    /** The identity provider answered, but with something we must not accept: {@code endpoint} at {@code url} {@code problem}. */
    static LoginException providerInvalid(Endpoint endpoint, URI url, String problem) {
        return new LoginException(Exit.PROVIDER_INVALID, "The " + endpoint + " at " + url + " " + problem);
    }

    /** The keychain's failure, as the login's: its own exit code for each kind. */
    public static LoginException of(system.Keychain.Failure failure) {
        return new LoginException(failure.kind() == system.Keychain.Failure.Kind.LOCKED ? Exit.KEYCHAIN_LOCKED : Exit.KEYCHAIN_UNAVAILABLE,
                failure.getMessage(), failure);
    }

    /** A call of the keychain: what it answers, or its failure as the login's ({@link #of(system.Keychain.Failure)}). */
    public static <T> T fromKeychain(KeychainCall<T> call) throws LoginException {
        try {
            return call.run();
        } catch (system.Keychain.Failure e) {
            throw of(e);
        }
    }

    /** A change of the keychain, its failure the login's as in {@link #fromKeychain}. */
    public static void inKeychain(KeychainChange change) throws LoginException {
        fromKeychain(() -> {
            change.run();
            return null;
        });
    }

    /** A call of the keychain that answers, for {@link #fromKeychain}. */
    @FunctionalInterface
    public interface KeychainCall<T> {
        T run() throws system.Keychain.Failure;
    }

    /** A call of the keychain that changes it, for {@link #inKeychain}. */
    @FunctionalInterface
    public interface KeychainChange {
        void run() throws system.Keychain.Failure;
    }

    /** A call that gave no answer to use, as the login's failure: the one place where its kind becomes an exit code. */
    public static LoginException of(HttpFailure failure) {
        Exit exit = switch (failure.kind()) {
            case SETTING -> Exit.CONFIG_INVALID;
            case UNREACHABLE -> Exit.PROVIDER_UNREACHABLE;
            case UNTRUSTED -> Exit.TLS_UNTRUSTED;
            case INVALID_ANSWER -> Exit.PROVIDER_INVALID;
            case INTERRUPTED -> Exit.CANCELLED;
        };
        return new LoginException(exit, failure.getMessage(), failure);
    }

    /** An OAuth error response: from the authorization endpoint (RFC 6749 §4.1.2.1) or the token endpoint (§5.2). */
    public static class OAuthError extends LoginException {
        private final String error;
        private final String errorDescription;
        private final int httpStatus;
        private String hint;

        /** What RFC 6749 §4.1.2.1 and §5.2 say the codes mean, for providers that send no description. */
        private static final java.util.Map<String, String> MEANINGS = java.util.Map.ofEntries(
                java.util.Map.entry("access_denied", "the resource owner or authorization server denied the request"),
                java.util.Map.entry("invalid_request", "the request is missing a parameter or is otherwise malformed"),
                java.util.Map.entry("unauthorized_client", "the client is not authorized to use this grant type"),
                java.util.Map.entry("unsupported_response_type", "the server does not support response_type=code"),
                java.util.Map.entry("invalid_scope", "a requested scope is invalid or unknown"),
                java.util.Map.entry("server_error", "the authorization server met an unexpected condition"),
                java.util.Map.entry("temporarily_unavailable", "the authorization server is overloaded or under maintenance"),
                java.util.Map.entry("invalid_client", "client authentication failed (is the client registered as public?)"),
                java.util.Map.entry("invalid_grant", "the code is invalid, expired, used, issued to another client, or "
                        + "does not match the redirect URI or the code_verifier"),
                java.util.Map.entry("unsupported_grant_type", "the server does not support authorization_code"));

        OAuthError(Exit exit, String where, int httpStatus, String error, String errorDescription) {
            this(exit, where + ": " + Log.printable(error) + " (" + (errorDescription != null && !errorDescription.isBlank()
                    ? Log.printable(errorDescription)
                    : "no description given; per RFC 6749: " + MEANINGS.getOrDefault(error, "an error code it does not define")) + ")",
                    error, errorDescription, httpStatus);
        }

        private OAuthError(Exit exit, String message, String error, String errorDescription, int httpStatus) {
            super(exit, message);
            this.error = error;
            this.errorDescription = errorDescription;
            this.httpStatus = httpStatus;
        }

        /** The OAuth {@code error} code, e.g. {@code access_denied} or {@code invalid_grant}; empty when the refusal had none. */
        public String error() {
            return error;
        }

        public Optional<String> errorDescription() {
            return Optional.ofNullable(errorDescription);
        }

        /** This failure, with what the user can do about it added to its message. */
        public OAuthError because(String hint) {
            this.hint = hint;
            return this;
        }

        @Override
        public String getMessage() {
            return hint == null ? super.getMessage() : super.getMessage() + ": " + hint;
        }

        /** The message without the hint {@link #because} added. */
        String unhinted() {
            return super.getMessage();
        }

        /** The HTTP status of the token endpoint's answer; 0 for an authorization response. */
        public int httpStatus() {
            return httpStatus;
        }
    }

    /** The authorization endpoint redirected back with {@code error=...} (RFC 6749 §4.1.2.1). */
    public static final class AuthorizationError extends OAuthError {
        AuthorizationError(String error, String errorDescription) {
            super(Exit.AUTHORIZATION_FAILED, "The identity provider refused the authorization", 0, error, errorDescription);
        }
    }

    /**
     * The provider refused the client itself (RFC 6749 §5.2: {@code invalid_client}, or HTTP 401): a
     * wrong or expired secret, or none where the client needs one. Not a refusal of what was sent (the
     * code, the refresh token), which stays good: a refresh refused so keeps the cached tokens.
     */
    public static final class ClientRefused extends OAuthError {
        ClientRefused(TokenError refused, String hint) {
            super(refused.exit(), refused.unhinted(), refused.error(), refused.errorDescription().orElse(null), refused.httpStatus());
            because(hint);
        }
    }

    /**
     * An endpoint of the back channel refused a request: with an error object (RFC 6749 §5.2), or
     * with any other 4xx answer. The token endpoint's refusal is TOKEN_REJECTED; one of the device or
     * pushed authorization endpoints refuses the authorization itself, AUTHORIZATION_FAILED.
     */
    public static final class TokenError extends OAuthError {
        /** {@code refused} names what the request sent (the code, the refresh token), {@code endpoint} where it went. */
        TokenError(String refused, Endpoint endpoint, int httpStatus, String error, String errorDescription) {
            super(endpoint.refusal, "The " + endpoint + " refused " + refused + " (HTTP " + httpStatus + ")",
                    httpStatus, error, errorDescription);
        }

        /**
         * A refusal without the error object: {@code answer} says what came instead ("HTTP 401 with an
         * empty body"); it is also the {@link #errorDescription()}, and {@link #error()} is empty.
         */
        TokenError(String refused, Endpoint endpoint, int httpStatus, String answer) {
            super(endpoint.refusal, "The " + endpoint + " refused " + refused + ": it answered " + answer, "", answer, httpStatus);
        }
    }
}
