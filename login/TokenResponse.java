package login;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.json.JSONObject;

/**
 * A token response (RFC 6749 §5.1), as the provider gave it and the {@link TokenCheck} passed it,
 * with the claims of its ID token beside it once they were validated; made once, never changed.
 * Its lifetime is kept as the moment it ends, so that the cache can tell later what is left.
 *
 * @param expiresAt     when the access token expires; empty when the provider said nothing usable
 * @param idTokenClaims the ID token's claims, only ever as {@link IdTokenValidator} validated them
 * @param other         the response's other fields, as they came (they go out again with -o json)
 */
public record TokenResponse(String accessToken, String tokenType, Optional<Instant> expiresAt, Optional<String> refreshToken,
        Optional<String> scope, Optional<String> idToken, Optional<Map<String, Object>> idTokenClaims, Map<String, Object> other) {

    /** No access token lives longer than this; a larger expires_in (10^17, 2^63-1) is a provider's mistake, not a lifetime. */
    static final long MAX_LIFETIME_SECONDS = 10L * 366 * 24 * 3600;

    /** The fields this record holds itself; everything else of a response is {@link #other}. */
    private static final java.util.Set<String> OWN = java.util.Set.of("access_token", "token_type", "expires_in", "expires_at",
            "refresh_token", "scope", "id_token", "id_token_claims");

    public TokenResponse {
        idTokenClaims = idTokenClaims.map(TokenResponse::unmodifiable);
        other = unmodifiable(other);
    }

    /** A copy that cannot be changed; JSON's null stays (Map.copyOf would refuse it). */
    private static Map<String, Object> unmodifiable(Map<String, Object> map) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /**
     * The response {@code json} received at {@code received}: its expires_in turned into an absolute
     * time, when it is a whole number of seconds of at most {@link #MAX_LIFETIME_SECONDS} (anything
     * else is an unknown lifetime: the token is used once, and never taken from the cache as fresh).
     * A provider's own {@code id_token_claims} field is not ours to pass on: it is dropped. The
     * access token and its type must already be checked strings ({@link TokenCheck}).
     */
    static TokenResponse received(JSONObject json, Instant received) {
        return of(json, expiresIn(json).stream().mapToObj(received::plusSeconds).findFirst(), Optional.empty());
    }

    /** A response kept by the cache: its fields, its expiry, and the claims validated when it was received. */
    static TokenResponse kept(JSONObject json, Optional<Instant> expiresAt) {
        return of(json, expiresAt, Optional.ofNullable(json.optJSONObject("id_token_claims")).map(JSONObject::toMap));
    }

    private static TokenResponse of(JSONObject json, Optional<Instant> expiresAt, Optional<Map<String, Object>> claims) {
        JSONObject other = new JSONObject();
        for (String name : json.keySet()) {
            if (!OWN.contains(name)) {
                other.put(name, json.get(name));
            }
        }
        return new TokenResponse(json.optString("access_token"), json.optString("token_type"), expiresAt, text(json, "refresh_token"),
                text(json, "scope"), text(json, "id_token"), claims, other.toMap());
    }

    private static Optional<String> text(JSONObject json, String name) {
        return json.opt(name) instanceof String value && !value.isEmpty() ? Optional.of(value) : Optional.empty();
    }

    /** The response's expires_in (RFC 6749 §5.1), when it is a whole number of seconds within {@link #MAX_LIFETIME_SECONDS}. */
    static OptionalLong expiresIn(JSONObject json) {
        Object value = json.opt("expires_in");
        if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())
                && number.doubleValue() >= 0 && number.doubleValue() <= MAX_LIFETIME_SECONDS) {
            return OptionalLong.of(number.longValue());
        }
        if (value instanceof String text && text.matches("[0-9]{1,10}") && Long.parseLong(text) <= MAX_LIFETIME_SECONDS) {
            return OptionalLong.of(Long.parseLong(text));
        }
        return OptionalLong.empty();
    }

    /** This response with the claims of its ID token, which {@link TokenCheck} validated. */
    TokenResponse withClaims(Map<String, Object> claims) {
        return new TokenResponse(accessToken, tokenType, expiresAt, refreshToken, scope, idToken, Optional.of(claims), other);
    }

    /**
     * After a refresh: the new response, keeping what it leaves out. A provider need not send a new
     * refresh token or ID token (RFC 6749 §6, OpenID Connect Core §12.2); the old ones still hold.
     */
    TokenResponse refreshedWith(TokenResponse refreshed) {
        boolean newIdToken = refreshed.idToken.isPresent();
        return new TokenResponse(refreshed.accessToken, refreshed.tokenType, refreshed.expiresAt,
                refreshed.refreshToken.or(() -> refreshToken), refreshed.scope.or(() -> scope), newIdToken ? refreshed.idToken : idToken,
                newIdToken ? refreshed.idTokenClaims : idTokenClaims, refreshed.other);
    }

    /** Whether the access token is good for at least {@code minValidity} more. */
    public boolean validFor(Duration minValidity, Instant now) {
        return expiresAt.isPresent() && !expiresAt.get().isBefore(now.plus(minValidity));
    }

    /** " valid for N s" when it is known how long the access token lasts; else nothing. For the progress lines. */
    public String validFor() {
        return expiresAt.map(at -> " valid for " + Math.max(0, Math.round(Duration.between(Instant.now(), at).toMillis() / 1000.0)) + " s")
                .orElse("");
    }

    /**
     * The response as JSON, for -o json and the cache: the provider's fields, {@code id_token_claims}
     * when an ID token was validated, and, when the lifetime is known, {@code expires_in} counting the
     * seconds left at {@code now} and {@code expires_at} in POSIX seconds.
     */
    public JSONObject toJson(Instant now) {
        JSONObject json = new JSONObject(other);
        json.put("access_token", accessToken).put("token_type", tokenType);
        expiresAt.ifPresent(at -> json.put("expires_in", Math.max(0, Duration.between(now, at).getSeconds())).put("expires_at", at.getEpochSecond()));
        refreshToken.ifPresent(token -> json.put("refresh_token", token));
        scope.ifPresent(granted -> json.put("scope", granted));
        idToken.ifPresent(token -> json.put("id_token", token));
        idTokenClaims.ifPresent(claims -> json.put("id_token_claims", new JSONObject(claims)));
        return json;
    }

    /** Who signed in, as --status shows it: the ID token's preferred_username, email or sub. */
    public Optional<String> user() {
        return idTokenClaims.map(claims -> String.valueOf(claims.getOrDefault("preferred_username", claims.getOrDefault("email",
                claims.getOrDefault("sub", "?")))));
    }

    /** Never shows a token. */
    @Override
    public String toString() {
        return "TokenResponse[tokenType=" + tokenType + ", expiresAt=" + expiresAt + ", refreshToken=" + refreshToken.map(t -> "(hidden)")
                .orElse("none") + ", scope=" + scope.orElse("-") + ", idToken=" + idToken.map(t -> "(hidden)").orElse("none") + "]";
    }
}
