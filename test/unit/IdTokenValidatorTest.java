package login;

import system.*;
import support.*;
import keycloak.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** OpenID Connect Core §3.1.3.7, with keys made here: every rule the ID token must pass, and what breaks it. */
class IdTokenValidatorTest {

    static final String ISSUER = "https://idp.example/realms/r";
    static final String CLIENT = "ocs-pkce-login";
    static final String NONCE = AuthorizationRequest.newNonce();

    static RSAKey rsa;
    static RSAKey otherRsa;
    static ECKey ec;

    @BeforeAll
    static void makeKeys() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        otherRsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate(); // same kid, other key
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    }

    private final AtomicInteger fetches = new AtomicInteger();

    private IdTokenValidator validator(JWKSet... answers) {
        return new IdTokenValidator(ISSUER, CLIENT, () -> answers[Math.min(fetches.getAndIncrement(), answers.length - 1)]);
    }

    private IdTokenValidator validator() {
        return validator(new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())));
    }

    static JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(ISSUER).subject("user-1").audience(CLIENT)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300))).claim("nonce", NONCE);
    }

    static String rs256(RSAKey key, JWTClaimsSet claims) throws Exception {
        return IdTokens.rs256(key, claims);
    }

    static String rs256(UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
        return rs256(rsa, change.apply(claims()).build());
    }

    private LoginException rejected(String idToken) {
        LoginException e = assertThrows(LoginException.class, () -> validator().validate(idToken, NONCE));
        assertEquals(LoginException.Exit.ID_TOKEN_INVALID, e.exit(), e.getMessage());
        return e;
    }

    @Test
    void validRs256TokenGivesItsClaims() throws Exception {
        JWTClaimsSet claims = validator().validate(rs256(c -> c), NONCE);
        assertEquals("user-1", claims.getSubject());
        assertEquals(NONCE, claims.getClaim("nonce"));
    }

    @Test
    void validEs256TokenIsAccepted() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec-1").build(), claims().build());
        jwt.sign(new ECDSASigner(ec));
        assertEquals("user-1", validator().validate(jwt.serialize(), NONCE).getSubject());
    }

    @Test
    void ps256Es384AndEdDsaTokensAreAccepted() throws Exception {
        SignedJWT ps256 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.PS256).keyID("rsa-1").build(), claims().build());
        ps256.sign(new RSASSASigner(rsa));
        ECKey p384 = new ECKeyGenerator(Curve.P_384).keyID("ec-384").generate();
        SignedJWT es384 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES384).keyID("ec-384").build(), claims().build());
        es384.sign(new ECDSASigner(p384));
        com.nimbusds.jose.jwk.OctetKeyPair ed25519 = new com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator(Curve.Ed25519).keyID("ed-1").generate();
        SignedJWT eddsa = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID("ed-1").build(), claims().build());
        eddsa.sign(new com.nimbusds.jose.crypto.Ed25519Signer(ed25519));
        IdTokenValidator validator = validator(new JWKSet(List.of(rsa.toPublicJWK(), p384.toPublicJWK(), ed25519.toPublicJWK())));
        for (SignedJWT token : List.of(ps256, es384, eddsa)) {
            assertEquals("user-1", validator.validate(token.serialize(), NONCE).getSubject(), token.getHeader().getAlgorithm().getName());
        }
    }

    @Test
    void onlyTheAlgorithmsTheProviderListsAreAcceptedAndTheFailureNamesAlgorithmAndKid() throws Exception {
        SignedJWT ps256 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.PS256).keyID("rsa-1").build(), claims().build());
        ps256.sign(new RSASSASigner(rsa));
        IdTokenValidator rs256Only = new IdTokenValidator(ISSUER, CLIENT, IdTokenValidator.accepted(List.of("RS256", "HS256", "none")),
                () -> new JWKSet(rsa.toPublicJWK()));
        LoginException e = assertThrows(LoginException.class, () -> rs256Only.validate(ps256.serialize(), NONCE));
        assertEquals(LoginException.Exit.ID_TOKEN_INVALID, e.exit());
        assertTrue(e.getMessage().contains("signed with PS256 and kid rsa-1, and PS256 is not an algorithm this client accepts from this"
                + " provider (RS256)"), e.getMessage());
        assertEquals(IdTokenValidator.ALLOWED_ALGORITHMS, IdTokenValidator.accepted(List.of()), "a provider that lists none: all of ours");
        assertEquals(java.util.Set.of(), IdTokenValidator.accepted(List.of("HS256", "none")), "HMAC and none are never accepted");
    }

    @Test
    void badSignatureIsRejected() throws Exception {
        String[] parts = rs256(c -> c).split("\\.");
        String forged = parts[0] + "." + Base64URL.encode(claims().subject("admin").build().toString()) + "." + parts[2];
        assertTrue(rejected(forged).getMessage().contains("Invalid signature"));
        assertTrue(rejected(rs256(otherRsa, claims().build())).getMessage().contains("Invalid signature"));
    }

    @Test
    void algNoneIsRejected() {
        String unsigned = new PlainJWT(claims().build()).serialize();
        String withoutItsLastDot = unsigned.substring(0, unsigned.length() - 1); // as LemonLDAP::NG sends it (issue 23)
        for (String token : List.of(unsigned, withoutItsLastDot)) {
            assertEquals("The ID token was rejected: it is not signed at all (alg none), which is never accepted: the provider must"
                    + " sign ID tokens (with RS256 or another of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA,"
                    + " Ed25519)", rejected(token).getMessage());
        }
        assertTrue(rejected("not-a-jwt").getMessage().contains("it is not a signed JWT (three base64url parts"), "plain words");
    }

    @Test
    void hmacSignedTokenIsRejected() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims().build());
        jwt.sign(new MACSigner(new byte[32]));
        rejected(jwt.serialize());
    }

    @Test
    void unknownKidIsRejectedAfterFetchingTheKeysOnceMore() throws Exception {
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("unknown-kid").generate();
        LoginException e = rejected(rs256(stranger, claims().build()));
        assertTrue(e.getMessage().contains("unknown-kid"), e.getMessage());
    }

    @Test
    void keysAreFetchedAgainWhenARotatedKidAppears() throws Exception {
        RSAKey rotated = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
        IdTokenValidator validator = validator(new JWKSet(rsa.toPublicJWK()), new JWKSet(List.of(rsa.toPublicJWK(), rotated.toPublicJWK())));
        assertEquals("user-1", validator.validate(rs256(rotated, claims().build()), NONCE).getSubject());
        assertEquals(2, fetches.get(), "fetched once, then once more for the new kid");
    }

    @Test
    void keysAreFetchedAtMostTwice() throws Exception {
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("unknown-kid").generate();
        IdTokenValidator validator = validator();
        assertThrows(LoginException.class, () -> validator.validate(rs256(stranger, claims().build()), NONCE));
        assertEquals(2, fetches.get());
    }

    @Test
    void rsaKeyShorterThan2048BitsIsRefused() throws Exception {
        RSAKey weak = new RSAKeyGenerator(1024, true).keyID("weak-1").generate();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("weak-1").build(), claims().build());
        jwt.sign(new RSASSASigner(weak, true));
        LoginException e = assertThrows(LoginException.class,
                () -> validator(new JWKSet(weak.toPublicJWK())).validate(jwt.serialize(), NONCE));
        assertEquals(LoginException.Exit.ID_TOKEN_INVALID, e.exit());
        assertTrue(e.getMessage().contains("signed with RS256 and kid weak-1, whose key is a 1024-bit RSA key; at least 2048 bits"),
                e.getMessage());
    }

    @Test
    void wrongIssuerIsRejected() throws Exception {
        assertTrue(rejected(rs256(c -> c.issuer("https://evil.example"))).getMessage().contains("iss"));
    }

    @Test
    void wrongAudienceIsRejected() throws Exception {
        assertTrue(rejected(rs256(c -> c.audience("another-client"))).getMessage().contains("aud"));
    }

    @Test
    void severalAudiencesNeedOurAzp() throws Exception {
        rejected(rs256(c -> c.audience(List.of(CLIENT, "another"))));
        rejected(rs256(c -> c.audience(List.of(CLIENT, "another")).claim("azp", "another")));
        assertEquals("user-1", validator().validate(rs256(c -> c.audience(List.of(CLIENT, "another")).claim("azp", CLIENT)), NONCE).getSubject());
    }

    @Test
    void expiredTokenIsRejectedBeyondTheClockSkew() throws Exception {
        Instant past = Instant.now().minus(IdTokenValidator.MAX_CLOCK_SKEW).minusSeconds(30);
        assertTrue(rejected(rs256(c -> c.issueTime(Date.from(past.minusSeconds(300))).expirationTime(Date.from(past))))
                .getMessage().contains("Expired"));
        Instant withinSkew = Instant.now().minusSeconds(10);
        validator().validate(rs256(c -> c.expirationTime(Date.from(withinSkew))), NONCE);
    }

    @Test
    void tokenIssuedInTheFutureIsRejected() throws Exception {
        Instant later = Instant.now().plus(IdTokenValidator.MAX_CLOCK_SKEW).plus(Duration.ofMinutes(5));
        assertTrue(rejected(rs256(c -> c.issueTime(Date.from(later)).expirationTime(Date.from(later.plusSeconds(300)))))
                .getMessage().contains("iat"));
    }

    @Test
    void wrongOrMissingNonceIsRejected() throws Exception {
        assertTrue(rejected(rs256(c -> c.claim("nonce", "replayed"))).getMessage().contains("nonce"));
        assertTrue(rejected(rs256(c -> c.claim("nonce", null))).getMessage().contains("no nonce"));
    }

    @Test
    void missingSubjectOrExpiryIsRejected() throws Exception {
        rejected(rs256(c -> c.subject(null)));
        rejected(rs256(c -> c.expirationTime(null)));
    }

    @Test
    void garbageIsRejected() {
        rejected("not.a.jwt");
        rejected("");
    }
}
