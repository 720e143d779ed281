package login;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.json.JSONObject;
import system.Browser;
import system.Http;
import system.Log;

/**
 * The login's part of the launcher's AOT training run (see the command line's {@code AotTraining}):
 * the paths a login takes, walked offline, with the same code up to the point where a provider would
 * answer. The HTTP client and the callback server talk on loopback, an ID token is checked with a
 * key made here, and the token cache is used in a temporary folder. Nothing is printed or kept.
 */
public final class Training {

    private Training() {
    }

    public static void walkTheOtherPaths(Log quiet) throws Exception {
        URI issuer = URI.create("https://issuer.invalid");
        LoginConfig config = new LoginConfig(issuer, "training", true, "c", Optional.of("0a1b2c3d-1234-5678-9abc-def012345678"),
                LoginConfig.DEFAULT_SCOPE, LoginConfig.DEFAULT_SCOPE_SOURCE, URI.create("http://127.0.0.1:0/callback.html"), Optional.empty(),
                Map.of(), Optional.empty(), LoginConfig.TokenStore.FILE, Optional.empty(), Optional.empty(), "training",
                List.of());
        AuthorizationRequest request = AuthorizationRequest.create(config);
        IdentityProvider provider = IdentityProvider.fromDocument(new JSONObject().put("issuer", issuer.toString())
                .put("authorization_endpoint", issuer + "/authorize").put("token_endpoint", issuer + "/token")
                .put("jwks_uri", issuer + "/jwks").put("code_challenge_methods_supported", List.of("S256")), issuer, "training", issuer);

        try (CallbackServer server = CallbackServer.start(config.redirectUri())) {
            server.expect(new AuthorizationResponse.Expected(request.state(), provider.issuer(), false));
            URI authorizationUrl = request.toUri(provider.authorizationEndpoint(), server.redirectUri());
            try (Browser browser = new Browser.SystemBrowser(Map.of("BROWSER", "true"))) {
                browser.open(authorizationUrl); // a launch page, and a process that is not a browser
            }
            try (Http http = new Http(Duration.ofSeconds(2), Duration.ofSeconds(2))) {
                java.util.concurrent.CompletableFuture.supplyAsync(() -> 1).join();
                http.getJson(server.redirectUri(), "callback page"); // an HTML page, refused as not JSON: as expected
            } catch (system.HttpFailure expected) {
                // the path of an unexpected answer, walked too
            }
            try (Http http = new Http(Duration.ofSeconds(2), Duration.ofSeconds(2))) {
                http.post(server.redirectUri(), Map.of("grant_type", "authorization_code"), Optional.empty(), "callback page")
                        .json("callback page", server.redirectUri());
            } catch (system.HttpFailure expected) {
                // likewise
            }
        }

        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        var pair = generator.generateKeyPair();
        RSAKey key = new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey((RSAPrivateKey) pair.getPrivate()).keyID("k").build();
        Instant now = Instant.now();
        SignedJWT idToken = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k").build(), new JWTClaimsSet.Builder()
                .issuer(issuer.toString()).subject("s").audience("c").issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(60))).claim("nonce", "n").build());
        idToken.sign(new RSASSASigner(key));
        IdTokenValidator validator = new IdTokenValidator(issuer.toString(), "c", () -> new JWKSet(key.toPublicJWK()));
        TokenResponse tokens = new TokenCheck(config, provider, () -> validator).ofLogin(new JSONObject().put("access_token", "a")
                .put("token_type", "Bearer").put("expires_in", 60).put("id_token", idToken.serialize()), "n", quiet);
        tokens.toJson(now);

        Path folder = Files.createTempDirectory("ocs-aot-training-");
        try {
            try (TokenCache.Locked entry = new TokenCache(folder.resolve("tokens")).open(TokenCache.Key.of(config), Duration.ofSeconds(1),
                    quiet)) {
                entry.read(quiet);
                entry.write(tokens, "public");
                entry.read(quiet).orElseThrow().tokens().toJson(now);
                entry.delete();
            }
        } finally {
            try (var files = Files.walk(folder)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
