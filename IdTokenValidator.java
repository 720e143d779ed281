import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Validates an ID token as OpenID Connect Core §3.1.3.7 requires, with Nimbus JOSE + JWT doing the
 * cryptography: the signature against the provider's keys (RS256 or ES256 only, never {@code none};
 * the key chosen by {@code kid}), {@code iss}, {@code aud} (and {@code azp}), {@code exp} and
 * {@code iat} within a clock skew, and the {@code nonce} this login sent.
 */
public final class IdTokenValidator {

    /** Allowed difference between our clock and the provider's when checking exp and iat. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(60);
    /** Asymmetric algorithms only: a public client has no secret to check an HMAC (HS256) with. */
    public static final Set<JWSAlgorithm> ALLOWED_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

    /** Where the provider's JSON Web Key Set comes from (its {@code jwks_uri}). */
    @FunctionalInterface
    public interface KeySetFetcher {
        JWKSet fetch() throws LoginException;
    }

    private final String clientId;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final ProviderKeys keys;

    public IdTokenValidator(String issuer, String clientId, KeySetFetcher fetcher) {
        this.clientId = clientId;
        this.keys = new ProviderKeys(fetcher);
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALLOWED_ALGORITHMS, keys));
        processor.setJWTClaimsSetVerifier(new ClaimsVerifier(issuer, clientId));
    }

    /** A validator that fetches the keys from the provider's {@code jwks_uri}, when a token is first checked. */
    public static IdTokenValidator forProvider(IdentityProvider provider, String clientId, Http http) {
        return new IdTokenValidator(provider.issuer(), clientId, () -> {
            URI jwksUri = provider.jwksUri().orElseThrow(() -> new LoginException(LoginException.Exit.PROVIDER_INVALID,
                    "The provider sent an ID token but its discovery document has no jwks_uri to check it with"));
            Http.JsonAnswer answer = http.getJson(jwksUri, "key set (jwks_uri)");
            try {
                if (answer.status() != 200) {
                    throw Http.invalid("key set (jwks_uri)", jwksUri, "answered HTTP " + answer.status());
                }
                return JWKSet.parse(answer.body().toString());
            } catch (ParseException e) {
                throw Http.invalid("key set (jwks_uri)", jwksUri, "is not a JSON Web Key Set: " + LoginException.printable(e.getMessage()));
            }
        });
    }

    /** @return the validated claims */
    public JWTClaimsSet validate(String idToken, String nonce) throws LoginException {
        JWTClaimsSet claims;
        try {
            claims = processor.process(idToken, null);
        } catch (BadJOSEException e) {
            if (keys.fetchFailure != null) {
                throw keys.fetchFailure;
            }
            throw invalid(e.getMessage().contains("no matching key")
                    ? "it is signed with a key the provider's jwks_uri does not list (kid "
                            + LoginException.printable(keys.unknownKid, 80) + "), or with an algorithm other than RS256/ES256"
                    : LoginException.printable(e.getMessage()));
        } catch (ParseException | JOSEException | RuntimeException e) {
            throw invalid("it is not a well-formed signed JWT (" + LoginException.printable(e.getMessage()) + ")");
        }
        Object sentBack = claims.getClaim("nonce");
        if (!nonce.equals(sentBack)) {
            throw invalid(sentBack == null ? "it has no nonce" : "its nonce is not the one this login sent (replay?)");
        }
        return claims;
    }

    private LoginException invalid(String why) {
        return new LoginException(LoginException.Exit.ID_TOKEN_INVALID, "The ID token was rejected: " + why);
    }

    /** iss, aud, exp, iat (and azp) per §3.1.3.7 items 2-5, 9 and 10. */
    private static final class ClaimsVerifier extends DefaultJWTClaimsVerifier<SecurityContext> {
        private final String clientId;

        ClaimsVerifier(String issuer, String clientId) {
            super(clientId, new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "iat", "exp"));
            this.clientId = clientId;
            setMaxClockSkew(Math.toIntExact(MAX_CLOCK_SKEW.toSeconds()));
        }

        @Override
        public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
            super.verify(claims, context);
            Object azp = claims.getClaim("azp");
            if (claims.getAudience().size() > 1 && azp == null) {
                throw new BadJWTException("it has several audiences but no azp");
            }
            if (azp != null && !clientId.equals(azp)) {
                throw new BadJWTException("its azp is " + azp + ", not this client");
            }
            if (claims.getIssueTime().toInstant().isAfter(Instant.now().plus(MAX_CLOCK_SKEW))) {
                throw new BadJWTException("its iat lies in the future");
            }
        }
    }

    /** The provider's keys: fetched when first needed, and fetched once more when a token names an unknown kid. */
    private static final class ProviderKeys implements JWKSource<SecurityContext> {
        private final KeySetFetcher fetcher;
        private JWKSet keySet;
        private boolean refetched;
        String unknownKid;
        LoginException fetchFailure;

        ProviderKeys(KeySetFetcher fetcher) {
            this.fetcher = fetcher;
        }

        @Override
        public List<JWK> get(JWKSelector selector, SecurityContext context) {
            try {
                if (keySet == null) {
                    keySet = fetcher.fetch();
                }
                List<JWK> matches = selector.select(keySet);
                if (matches.isEmpty() && !refetched) {
                    refetched = true;
                    keySet = fetcher.fetch();
                    matches = selector.select(keySet);
                }
                if (matches.isEmpty()) {
                    unknownKid = selector.getMatcher().getKeyIDs() == null ? "none" : String.join(",", selector.getMatcher().getKeyIDs());
                }
                return matches;
            } catch (LoginException e) {
                fetchFailure = e;
                return List.of();
            }
        }
    }
}
