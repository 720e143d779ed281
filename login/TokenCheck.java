package login;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.json.JSONObject;
import system.Log;
import system.Urls;

/**
 * The one check of every token response (RFC 6749 §5.1), whichever grant it ends: the code, the
 * device code, the refresh token, a machine's credentials; what passes is a {@link TokenResponse}.
 * The access token must be one Bearer token; with {@code openid} in the scope an ID token is
 * required and validated (OpenID Connect Core §3.1.3.7; after a refresh, §12.2), and its claims go
 * beside it. A narrower grant than asked for is said.
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
            throw LoginException.providerInvalid(Endpoint.DISCOVERY, Urls.discoveryUrl(config.authority()), "lists only "
                    + Log.printable(String.join(", ", provider.idTokenSigningAlgorithms()), 120) + " to sign ID tokens"
                    + " (id_token_signing_alg_values_supported), which this client cannot check: an HMAC needs a client secret, and"
                    + " none is no signature (OpenID Connect Core section 10.1). Ask the provider's admin to sign this client's ID tokens"
                    + " with RS256 (or another of " + String.join(", ", IdentityProvider.ASYMMETRIC_ALGORITHMS) + ")");
        }
    }

    /**
     * A login's token response, its ID token bound to this login by {@code nonce} (null for the device
     * flow, which sends none).
     */
    TokenResponse ofLogin(JSONObject json, String nonce, Log log) throws LoginException {
        TokenResponse tokens = accessToken(json);
        sayWhatWasNotGranted(tokens, config.scopes(), log);
        if (config.ocs() && tokens.refreshToken().isEmpty() && !config.scopes().contains("offline_access")) {
            log.info("This OCS client gets no refresh token (an Authorization Code client never does): a run after this token expires"
                    + " signs in again; a Hybrid client stays signed in (README, \"Stay signed in on OCS\")");
        }
        if (tokens.idToken().isEmpty() && json.opt("id_token") == null && !config.scopes().contains("openid")) {
            return tokens;
        }
        if (tokens.idToken().isEmpty()) {
            throw LoginException.providerInvalid(Endpoint.TOKEN, provider.tokenEndpoint(), "answered "
                    + (json.opt("id_token") == null ? "without an id_token" : "with an id_token that is not a string")
                    + " although the scope has openid (OpenID Connect Core section 3.1.3.3)");
        }
        JWTClaimsSet claims = validator.get().validate(tokens.idToken().get(), nonce);
        log.detail("ID token valid: sub " + Log.printable(claims.getSubject(), 80) + ", expires " + claims.getExpirationTime().toInstant());
        return tokens.withClaims(claims.toJSONObject());
    }

    /**
     * A refresh's token response: an ID token need not come, but one that does must name the login's
     * user (OpenID Connect Core §12.2), checked against {@code login}'s validated claims.
     */
    TokenResponse ofRefresh(JSONObject json, TokenResponse login) throws LoginException {
        TokenResponse tokens = accessToken(json);
        if (json.opt("id_token") == null) {
            return tokens;
        }
        if (tokens.idToken().isEmpty() || login.idTokenClaims().isEmpty()) {
            throw LoginException.providerInvalid(Endpoint.TOKEN, provider.tokenEndpoint(), "answered the refresh with an"
                    + " id_token that cannot be checked against the login's");
        }
        return tokens.withClaims(validator.get().validateRefreshed(tokens.idToken().get(), login.idTokenClaims().get()).toJSONObject());
    }

    /** A machine's token response (client credentials): the access token alone, and no ID token (OpenID Connect is about a person). */
    TokenResponse ofMachine(JSONObject json, Log log) throws LoginException {
        JSONObject withoutIdToken = new JSONObject(json.toMap());
        withoutIdToken.remove("id_token"); // not validated, so not passed on: a machine is no person
        TokenResponse tokens = accessToken(withoutIdToken);
        sayWhatWasNotGranted(tokens, config.machineScope().map(scope -> List.of(scope.strip().split("\\s+"))).orElse(List.of()), log);
        return tokens;
    }

    /** One Bearer access token, of the characters a bearer token has; then the response, typed. */
    private TokenResponse accessToken(JSONObject json) throws LoginException {
        if (!(json.opt("access_token") instanceof String token) || token.isEmpty()) {
            throw LoginException.providerInvalid(Endpoint.TOKEN, provider.tokenEndpoint(), "answered without an access_token");
        }
        if (!B64TOKEN.matcher(token).matches()) {
            throw LoginException.providerInvalid(Endpoint.TOKEN, provider.tokenEndpoint(), "issued an access_token with characters"
                    + " that no bearer token has (RFC 6750 section 2.1); refused");
        }
        // RFC 6749 §7.1: a client must not use a token whose type it does not understand.
        if (!"Bearer".equalsIgnoreCase(json.optString("token_type"))) {
            throw LoginException.providerInvalid(Endpoint.TOKEN, provider.tokenEndpoint(), "issued a token of type '"
                    + Log.printable(json.optString("token_type"), 40) + "', not a Bearer token (RFC 6750)");
        }
        return TokenResponse.received(json, Instant.now());
    }

    /**
     * A narrower grant than asked for, said in one line (RFC 6749 §5.1: the response's scope, when it
     * differs from the request's): the API says it later only as a 403. {@code openid} is not counted
     * (many providers leave it out), nor {@code offline_access} when a refresh token came anyway; a
     * missing refresh token for {@code offline_access} is said even without a scope in the response.
     */
    private void sayWhatWasNotGranted(TokenResponse tokens, List<String> asked, Log log) {
        Set<String> missing = new LinkedHashSet<>();
        tokens.scope().ifPresent(granted -> {
            List<String> given = List.of(granted.strip().split("\\s+"));
            asked.stream().filter(scope -> !scope.isEmpty() && !scope.equals("openid") && !given.contains(scope)).forEach(missing::add);
        });
        if (tokens.refreshToken().isPresent()) {
            missing.remove("offline_access");
        } else if (asked.contains("offline_access")) {
            missing.add("offline_access");
        }
        String client = " for client " + Log.printable(config.clientId(), 80);
        if (missing.remove("offline_access")) {
            log.info("warning: no refresh token came, though the scope asked for offline_access: the next run signs in again once"
                    + " this token expires (" + (config.ocs() ? "in OCS only a Hybrid client with Allow Refresh Token gets one: check the settings"
                    : "ask the provider's admin to allow offline access") + client + ")");
        }
        if (!missing.isEmpty()) {
            log.info("warning: the provider did not grant " + Log.printable(String.join(" ", missing), 200) + " of the scope asked for"
                    + " (it granted '" + Log.printable(tokens.scope().orElse(""), 200) + "'): an API that needs " + (missing.size() == 1
                    ? "it" : "them") + " will refuse the token (ask the provider's admin to allow " + (missing.size() == 1 ? "it" : "them")
                    + client + ")");
        }
    }

}
