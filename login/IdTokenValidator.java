package login;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.proc.JWSVerifierFactory;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.URI;
import java.security.Key;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import system.Log;

/**
 * Validates an ID token as OpenID Connect Core §3.1.3.7 requires, with Nimbus JOSE + JWT doing the
 * cryptography: the signature against the provider's keys (asymmetric algorithms only, never
 * {@code none} or HMAC; the key chosen by {@code kid}), {@code iss}, {@code aud} (and {@code azp}),
 * {@code exp} and {@code iat} within a clock skew, and the {@code nonce} this login sent.
 */
final class IdTokenValidator {

    /** Allowed difference between our clock and the provider's when checking exp and iat. */
    static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(60);
    /**
     * Asymmetric algorithms only: a public client has no secret to check an HMAC (HS256) with, and
     * {@code none} is no signature at all. EdDSA (Ed25519) needs Google Tink, as Nimbus does.
     */
    static final Set<JWSAlgorithm> ALLOWED_ALGORITHMS = IdentityProvider.ASYMMETRIC_ALGORITHMS.stream().map(JWSAlgorithm::parse)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    /** RSA keys shorter than this are refused: 1024-bit RSA can be factored with enough money. */
    static final int MIN_RSA_BITS = 2048;

    /** Where the provider's JSON Web Key Set comes from (its {@code jwks_uri}). */
    @FunctionalInterface
    interface KeySetFetcher {
        JWKSet fetch() throws LoginException;
    }

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final JWKSource<SecurityContext> keys;

    /** A validator that accepts every algorithm of {@link #ALLOWED_ALGORITHMS}. */
    IdTokenValidator(String issuer, String clientId, KeySetFetcher fetcher) {
        this(issuer, clientId, ALLOWED_ALGORITHMS, fetcher);
    }

    /**
     * @param algorithms the algorithms accepted (those of {@link #ALLOWED_ALGORITHMS} that the provider uses)
     * @param fetcher    fetches the key set; Nimbus' {@link JWKSourceBuilder} caches it, and fetches it once
     *                   more when a token names a {@code kid} the cached set does not have (key rotation)
     */
    IdTokenValidator(String issuer, String clientId, Set<JWSAlgorithm> algorithms, KeySetFetcher fetcher) {
        this.keys = JWKSourceBuilder.create(new FetchedKeySet(fetcher))
                .cache(true)
                .refreshAheadCache(false) // no background thread
                .rateLimited(false)       // at most two fetches per token anyway: the first, and one for an unknown kid
                .retrying(false)          // a failure is reported, not hidden
                .build();
        processor.setJWSKeySelector(new KeySelector(new JWSVerificationKeySelector<>(algorithms, keys), algorithms, keys));
        processor.setJWSVerifierFactory(new VerifierFactory());
        processor.setJWTClaimsSetVerifier(new ClaimsVerifier(issuer, clientId));
    }

    /**
     * The algorithms of {@link #ALLOWED_ALGORITHMS} that a provider lists in its
     * {@code id_token_signing_alg_values_supported} (all of them when it lists none).
     */
    static Set<JWSAlgorithm> accepted(List<String> providerAlgorithms) {
        return IdentityProvider.checkable(providerAlgorithms).stream().map(JWSAlgorithm::parse)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /**
     * Why {@code idToken} is no signed JWT, in words a person can pass on: not signed at all
     * ({@code alg: none}, with or without its last dot), or not three parts; empty when it looks like one.
     */
    static java.util.Optional<String> notASignedJwt(String idToken) {
        String[] parts = idToken.split("\\.", -1);
        String alg = "";
        try {
            alg = new org.json.JSONObject(new String(java.util.Base64.getUrlDecoder().decode(parts[0]),
                    java.nio.charset.StandardCharsets.UTF_8)).optString("alg");
        } catch (IllegalArgumentException | org.json.JSONException notJson) {
            // said below
        }
        if (alg.equalsIgnoreCase("none")) {
            return java.util.Optional.of("it is not signed at all (alg none), which is never accepted: the provider must sign ID"
                    + " tokens (with RS256 or another of " + String.join(", ", IdentityProvider.ASYMMETRIC_ALGORITHMS) + ")");
        }
        if (parts.length != 3 || alg.isEmpty()) {
            return java.util.Optional.of("it is not a signed JWT (three base64url parts, header.payload.signature, with an alg in the"
                    + " header); the provider sent something else as its id_token");
        }
        return java.util.Optional.empty();
    }

    /**
     * @param nonce the nonce this login sent; null for a flow that sends none (the device flow)
     * @return the validated claims
     */
    JWTClaimsSet validate(String idToken, String nonce) throws LoginException {
        JWTClaimsSet claims = verify(idToken);
        if (nonce == null) {
            return claims;
        }
        Object sentBack = claims.getClaim("nonce");
        if (!nonce.equals(sentBack)) {
            throw invalid(sentBack == null ? "it has no nonce" : "its nonce is not the one this login sent (replay?)");
        }
        return claims;
    }

    /**
     * An ID token from a refresh (OpenID Connect Core §12.2): checked like the first one, except that
     * no nonce is required; it must name the same user ({@code sub}) as the first, and any
     * {@code nonce} or {@code auth_time} it has must be the first one's.
     *
     * @param original the validated claims of the ID token of the login
     */
    JWTClaimsSet validateRefreshed(String idToken, java.util.Map<String, Object> original) throws LoginException {
        JWTClaimsSet claims = verify(idToken);
        if (!java.util.Objects.equals(claims.getSubject(), original.get("sub"))) {
            throw invalid("the refreshed ID token names another user (sub) than the login's (OpenID Connect Core section 12.2)");
        }
        for (String sameAsBefore : new String[] {"nonce", "auth_time"}) {
            Object now = claims.getClaim(sameAsBefore);
            Object before = original.get(sameAsBefore);
            if (now != null && before != null && !String.valueOf(now instanceof java.util.Date date ? date.getTime() / 1000 : now)
                    .equals(String.valueOf(before))) {
                throw invalid("the refreshed ID token's " + sameAsBefore + " is not the login's (OpenID Connect Core section 12.2)");
            }
        }
        return claims;
    }

    /** The signature, iss, aud, azp, exp and iat. */
    private JWTClaimsSet verify(String idToken) throws LoginException {
        java.util.Optional<String> notSigned = notASignedJwt(idToken);
        if (notSigned.isPresent()) {
            throw invalid(notSigned.get());
        }
        try {
            return processor.process(idToken, null);
        } catch (KeySourceException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof LoginException keySetFailure) {
                    throw keySetFailure; // the key set could not be fetched: the provider's failure, not the token's
                }
            }
            throw invalid(Log.printable(e.getMessage()));
        } catch (BadJOSEException e) {
            throw invalid(Log.printable(e.getMessage()));
        } catch (ParseException | JOSEException | RuntimeException e) {
            throw invalid("it is not a well-formed signed JWT (" + Log.printable(e.getMessage()) + ")");
        }
    }

    private static LoginException invalid(String why) {
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

    /** Nimbus' key selection, saying which algorithm and kid found no key, instead of a bare "no matching key". */
    private static final class KeySelector implements JWSKeySelector<SecurityContext> {
        private final JWSVerificationKeySelector<SecurityContext> nimbus;
        private final String accepted;
        private final JWKSource<SecurityContext> keys;

        KeySelector(JWSVerificationKeySelector<SecurityContext> nimbus, Set<JWSAlgorithm> algorithms, JWKSource<SecurityContext> keys) {
            this.nimbus = nimbus;
            this.accepted = algorithms.stream().map(JWSAlgorithm::getName).sorted().collect(java.util.stream.Collectors.joining(", "));
            this.keys = keys;
        }

        @Override
        public List<? extends Key> selectJWSKeys(JWSHeader header, SecurityContext context) throws KeySourceException {
            String token = "it is signed with " + header.getAlgorithm() + " and kid " + Log.printable(header.getKeyID(), 80);
            if (!nimbus.isAllowed(header.getAlgorithm())) {
                throw new KeySourceException(token + ", and " + header.getAlgorithm() + " is not an algorithm this client accepts"
                        + " from this provider (" + (accepted.isEmpty() ? "none" : accepted) + ")");
            }
            List<? extends Key> candidates = EDDSA.contains(header.getAlgorithm())
                    ? keys.get(new JWKSelector(JWKMatcher.forJWSHeader(header)), context).stream()
                            .filter(jwk -> jwk instanceof OctetKeyPair).map(jwk -> new Ed25519Key((OctetKeyPair) jwk)).toList()
                    : nimbus.selectJWSKeys(header, context);
            if (candidates.isEmpty()) {
                throw new KeySourceException(token + ", for which the provider's jwks_uri has no key");
            }
            List<? extends Key> strong = candidates.stream()
                    .filter(key -> !(key instanceof RSAPublicKey rsa) || rsa.getModulus().bitLength() >= MIN_RSA_BITS)
                    .toList();
            if (strong.isEmpty()) {
                throw new KeySourceException(token + ", whose key is a " + ((RSAPublicKey) candidates.get(0)).getModulus().bitLength()
                        + "-bit RSA key; at least " + MIN_RSA_BITS + " bits are required (NIST SP 800-131A)");
            }
            return strong;
        }
    }

    /** The EdDSA algorithms: Ed25519 keys, which Nimbus checks with Google Tink. */
    private static final Set<JWSAlgorithm> EDDSA = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

    /**
     * An Ed25519 key of the key set, carried through Nimbus' processing (whose key selection hands on
     * {@link Key}s, and whose default verifiers know only RSA and EC keys) to {@link Ed25519Verifier}.
     */
    private record Ed25519Key(OctetKeyPair jwk) implements java.security.PublicKey {
        @Override
        public String getAlgorithm() {
            return "Ed25519";
        }

        @Override
        public String getFormat() {
            return "RAW";
        }

        @Override
        public byte[] getEncoded() {
            return jwk.getDecodedX();
        }
    }

    /** Nimbus' verifiers, and {@link Ed25519Verifier} for the keys of {@link Ed25519Key}. */
    private static final class VerifierFactory implements JWSVerifierFactory {
        private final DefaultJWSVerifierFactory nimbus = new DefaultJWSVerifierFactory();

        @Override
        public JWSVerifier createJWSVerifier(JWSHeader header, Key key) throws JOSEException {
            return key instanceof Ed25519Key ed25519 ? new Ed25519Verifier(ed25519.jwk()) : nimbus.createJWSVerifier(header, key);
        }

        @Override
        public Set<JWSAlgorithm> supportedJWSAlgorithms() {
            Set<JWSAlgorithm> supported = new java.util.HashSet<>(nimbus.supportedJWSAlgorithms());
            supported.addAll(EDDSA);
            return supported;
        }

        @Override
        public com.nimbusds.jose.jca.JCAContext getJCAContext() {
            return nimbus.getJCAContext();
        }
    }

    /** The fetcher as a Nimbus key set source; a fetch failure travels as the cause of a {@link KeySourceException}. */
    private record FetchedKeySet(KeySetFetcher fetcher) implements JWKSetSource<SecurityContext> {
        @Override
        public JWKSet getJWKSet(com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator refresh, long now, SecurityContext context)
                throws KeySourceException {
            try {
                return fetcher.fetch();
            } catch (LoginException e) {
                throw new KeySourceException(e.getMessage(), e);
            }
        }

        @Override
        public void close() {
        }
    }

    /**
     * The validator of {@code provider}'s ID tokens, made ready on another thread while the user signs
     * in: Nimbus loaded and, when the scope has {@code openid}, the key set fetched into its cache, so
     * that checking the token costs nothing then. A fetch failure is left for {@link #validate}, which
     * fetches again and reports it.
     */
    static CompletableFuture<IdTokenValidator> readiedMeanwhile(IdentityProvider provider, LoginConfig config, KeySetFetcher keySet) {
        return CompletableFuture.supplyAsync(() -> {
            IdTokenValidator validator = new IdTokenValidator(provider.issuer(), config.clientId(),
                    accepted(provider.idTokenSigningAlgorithms()), keySet);
            if (config.scopes().contains("openid")) {
                try {
                    validator.keys.get(new JWKSelector(new JWKMatcher.Builder().build()), null);
                } catch (KeySourceException e) {
                    // reported by validate()
                }
            }
            return validator;
        });
    }
}
