import com.nimbusds.jwt.JWTClaimsSet;
import java.util.OptionalLong;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.json.JSONObject;

/**
 * The one check of every token response (RFC 6749 §5.1), whichever grant it ends: the code, the
 * device code, the refresh token. The access token must be one Bearer token; with {@code openid} in
 * the scope an ID token is required and validated (OpenID Connect Core §3.1.3.7; after a refresh,
 * §12.2). {@code id_token_claims} in the result is only ever what passed here.
 */
final class TokenCheck {

    /** RFC 6750 §2.1: the characters of a bearer token; nothing else can go into a header, or onto a terminal line. */
    private static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9._~+/-]+=*");

    private final LoginConfig config;
    private final IdentityProvider provider;
    private final Supplier<IdTokenValidator> validator;

    TokenCheck(LoginConfig config, IdentityProvider provider, Supplier<IdTokenValidator> validator) {
        this.config = config;
        this.provider = provider;
        this.validator = validator;
    }

    /**
     * Before a person signs in (step 1 knows it): with {@code openid} in the scope, an ID token will
     * come and must be checked, so the provider must sign ID tokens with an algorithm this client can
     * check; otherwise the sign-in would be for nothing.
     */
    void idTokensCanBeChecked() throws LoginException {
        if (config.scopes().contains("openid") && provider.checkableIdTokenAlgorithms().isEmpty()) {
            throw LoginException.providerInvalid("discovery document", Urls.discoveryUrl(config.authority()), "lists only "
                    + Log.printable(String.join(", ", provider.idTokenSigningAlgorithms()), 120) + " to sign ID tokens"
                    + " (id_token_signing_alg_values_supported), which this client cannot check: an HMAC needs a client secret, and"
                    + " none is no signature (OpenID Connect Core §10.1). Ask the provider's admin to sign this client's ID tokens with"
                    + " RS256 (or another of " + String.join(", ", IdentityProvider.ASYMMETRIC_ALGORITHMS) + ")");
        }
    }

    /**
     * A login's token response, its ID token bound to this login by {@code nonce} (null for the device
     * flow, which sends none).
     */
    JSONObject ofLogin(JSONObject tokens, String nonce, Log log) throws LoginException {
        accessToken(tokens);
        sayWhatWasNotGranted(tokens, config.scopes(), log);
        tokens.remove("id_token_claims"); // a provider's field of that name is not ours to pass on
        Object idToken = tokens.opt("id_token");
        if (idToken == null && !config.scopes().contains("openid")) {
            return tokens;
        }
        if (!(idToken instanceof String jwt)) {
            throw LoginException.providerInvalid("token endpoint", provider.tokenEndpoint(), "answered "
                    + (idToken == null ? "without an id_token" : "with an id_token that is not a string")
                    + " although the scope has openid (OpenID Connect Core §3.1.3.3)");
        }
        JWTClaimsSet claims = validator.get().validate(jwt, nonce);
        tokens.put("id_token_claims", new JSONObject(claims.toJSONObject()));
        log.detail("ID token valid: sub " + Log.printable(claims.getSubject(), 80) + ", expires " + claims.getExpirationTime().toInstant());
        return tokens;
    }

    /**
     * A refresh's token response: an ID token need not come, but one that does must name the login's
     * user (OpenID Connect Core §12.2), checked against {@code login}, the login's validated claims.
     */
    JSONObject ofRefresh(JSONObject tokens, JSONObject loginClaims) throws LoginException {
        accessToken(tokens);
        tokens.remove("id_token_claims");
        Object idToken = tokens.opt("id_token");
        if (idToken == null) {
            return tokens;
        }
        if (!(idToken instanceof String jwt) || loginClaims == null) {
            throw LoginException.providerInvalid("token endpoint", provider.tokenEndpoint(), "answered the refresh with an"
                    + " id_token that cannot be checked against the login's");
        }
        tokens.put("id_token_claims", new JSONObject(validator.get().validateRefreshed(jwt, loginClaims).toJSONObject()));
        return tokens;
    }

    /** A machine's token response (client credentials): the access token alone; OpenID Connect is about a person. */
    JSONObject ofMachine(JSONObject tokens, Log log) throws LoginException {
        accessToken(tokens);
        sayWhatWasNotGranted(tokens, config.machineScope().map(scope -> java.util.List.of(scope.strip().split("\\s+")))
                .orElse(java.util.List.of()), log);
        tokens.remove("id_token_claims");
        return tokens;
    }

    /**
     * A narrower grant than asked for, said in one line (RFC 6749 §5.1: the response's scope, when it
     * differs from the request's): the API says it later only as a 403. {@code openid} is not counted
     * (many providers leave it out), nor {@code offline_access} when a refresh token came anyway; a
     * missing refresh token for {@code offline_access} is said even without a scope in the response.
     */
    private void sayWhatWasNotGranted(JSONObject tokens, java.util.List<String> asked, Log log) {
        boolean refreshToken = tokens.opt("refresh_token") instanceof String token && !token.isEmpty();
        java.util.Set<String> missing = new java.util.LinkedHashSet<>();
        if (tokens.opt("scope") instanceof String granted) {
            java.util.List<String> given = java.util.List.of(granted.strip().split("\\s+"));
            asked.stream().filter(scope -> !scope.isEmpty() && !scope.equals("openid") && !given.contains(scope)).forEach(missing::add);
        }
        if (refreshToken) {
            missing.remove("offline_access");
        } else if (asked.contains("offline_access")) {
            missing.add("offline_access");
        }
        String client = " for client " + Log.printable(config.clientId(), 80);
        if (missing.remove("offline_access")) {
            log.info("warning: no refresh token came, though the scope asked for offline_access: the next run signs in again once"
                    + " this token expires (ask the provider's admin to allow offline access" + client + ")");
        }
        if (!missing.isEmpty()) {
            log.info("warning: the provider did not grant " + Log.printable(String.join(" ", missing), 200) + " of the scope asked for"
                    + " (it granted '" + Log.printable(tokens.optString("scope"), 200) + "'): an API that needs " + (missing.size() == 1
                    ? "it" : "them") + " will refuse the token (ask the provider's admin to allow " + (missing.size() == 1 ? "it" : "them")
                    + client + ")");
        }
    }

    /** One Bearer access token, of the characters a bearer token has. */
    private void accessToken(JSONObject tokens) throws LoginException {
        if (!(tokens.opt("access_token") instanceof String token) || token.isEmpty()) {
            throw LoginException.providerInvalid("token endpoint", provider.tokenEndpoint(), "answered without an access_token");
        }
        if (!B64TOKEN.matcher(token).matches()) {
            throw LoginException.providerInvalid("token endpoint", provider.tokenEndpoint(), "issued an access_token with characters"
                    + " that no bearer token has (RFC 6750 §2.1); refused");
        }
        // RFC 6749 §7.1: a client must not use a token whose type it does not understand.
        if (!"Bearer".equalsIgnoreCase(tokens.optString("token_type"))) {
            throw LoginException.providerInvalid("token endpoint", provider.tokenEndpoint(), "issued a token of type '"
                    + Log.printable(tokens.optString("token_type"), 40) + "', not a Bearer token (RFC 6750)");
        }
    }

    /** No access token lives longer than this; a larger expires_in (10^17, 2^63-1) is a provider's mistake, not a lifetime. */
    static final long MAX_LIFETIME_SECONDS = 10L * 366 * 24 * 3600;

    /**
     * The token response's expires_in (RFC 6749 §5.1) when it is a whole number of seconds of at most
     * {@link #MAX_LIFETIME_SECONDS}; anything else (text, fractions, out of range) counts as an unknown
     * lifetime, so that the token is used once and never taken from the cache as fresh.
     */
    static OptionalLong expiresIn(JSONObject tokens) {
        Object value = tokens.opt("expires_in");
        long seconds;
        if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())
                && number.doubleValue() >= 0 && number.doubleValue() <= MAX_LIFETIME_SECONDS) {
            seconds = number.longValue();
        } else if (value instanceof String text && text.matches("[0-9]{1,10}")) {
            seconds = Long.parseLong(text);
        } else {
            return OptionalLong.empty();
        }
        return seconds <= MAX_LIFETIME_SECONDS ? OptionalLong.of(seconds) : OptionalLong.empty();
    }

    /** " valid for N s" when the token response says how long its access token lasts; else nothing. For the progress lines. */
    static String validFor(JSONObject tokens) {
        return expiresIn(tokens).stream().mapToObj(seconds -> " valid for " + seconds + " s").findFirst().orElse("");
    }

}
