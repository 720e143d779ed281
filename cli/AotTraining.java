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
import org.json.JSONObject;

/**
 * The training run of the launcher's AOT cache (Java 25+; {@code ./jbang} sets
 * {@code -Docs.aot.training=true} on the first run after each build). An AOT cache holds the classes
 * its training run loaded, and that first run may have been {@code --help} or a cached token; so,
 * after its real work, it walks the other paths too, offline: the HTTP client and the callback
 * server talking on loopback, an ID token check with a key made here, and the token cache in a
 * temporary folder; with the same code as a login, up to the point where a provider would answer.
 * Nothing is printed, and nothing is kept.
 */
final class AotTraining {

    private AotTraining() {
    }

    static void walkTheOtherPaths() {
        Log quiet = new Log(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), false, true);
        try (Cancellation cancellation = new Cancellation(quiet)) {
            Arguments.parse("--config", "config.ini", "--timeout", "5", "-o", "json", "--verbose");
            LoginConfig config = LoginConfig.fromIni("training", IniFile.parse("training", java.util.List.of("[Configuration]",
                    "Resource = https://issuer.invalid", "TenantId = t", "ClientId = c")), LoginConfig.Overrides.NONE);
            AuthorizationRequest request = AuthorizationRequest.create(config);
            URI issuer = URI.create("https://issuer.invalid");
            IdentityProvider provider = IdentityProvider.fromDocument(new JSONObject().put("issuer", issuer.toString())
                    .put("authorization_endpoint", issuer + "/authorize").put("token_endpoint", issuer + "/token")
                    .put("jwks_uri", issuer + "/jwks").put("code_challenge_methods_supported", java.util.List.of("S256")), issuer,
                    "training", issuer);

            CallbackServer server = CallbackServer.start(URI.create("http://127.0.0.1:0/callback.html"),
                    new AuthorizationResponse.Expected(request.state(), provider.issuer(), false));
            URI authorizationUrl = request.toUri(provider.authorizationEndpoint(), server.redirectUri());
            try (Browser browser = new Browser.SystemBrowser(java.util.Map.of("BROWSER", "true"))) {
                browser.open(authorizationUrl); // a launch page, and a process that is not a browser
            }
            try (Http http = new Http(Duration.ofSeconds(2), Duration.ofSeconds(2))) {
                java.util.concurrent.CompletableFuture.supplyAsync(() -> 1).join();
                http.getJson(server.redirectUri(), "callback page"); // an HTML page, refused as not JSON: as expected
            } catch (LoginException expected) {
                // the path of an unexpected answer, walked too
            }
            try (Http http = new Http(Duration.ofSeconds(2), Duration.ofSeconds(2))) {
                http.post(server.redirectUri(), java.util.Map.of("grant_type", "authorization_code"), "callback page").json("callback page", server.redirectUri());
            } catch (LoginException expected) {
                // likewise
            }
            server.close();

            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            var pair = generator.generateKeyPair();
            RSAKey key = new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey((RSAPrivateKey) pair.getPrivate()).keyID("k").build();
            Instant now = Instant.now();
            SignedJWT idToken = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k").build(), new JWTClaimsSet.Builder()
                    .issuer("https://issuer.invalid").subject("s").audience("c").issueTime(Date.from(now))
                    .expirationTime(Date.from(now.plusSeconds(60))).claim("nonce", "n").build());
            idToken.sign(new RSASSASigner(key));
            IdTokenValidator validator = new IdTokenValidator("https://issuer.invalid", "c", () -> new JWKSet(key.toPublicJWK()));
            new TokenCheck(config, provider, () -> validator).ofLogin(new JSONObject().put("access_token", "a").put("token_type", "Bearer")
                    .put("id_token", idToken.serialize()), "n", quiet);

            Path folder = Files.createTempDirectory("ocs-aot-training-");
            try {
                TokenCache.Key cacheKey = TokenCache.Key.of(config);
                try (TokenCache.Locked entry = new TokenCache(folder.resolve("tokens")).open(cacheKey, Duration.ofSeconds(1), quiet)) {
                    entry.read(quiet);
                    entry.write(TokenCache.Entry.of(new JSONObject().put("access_token", "a").put("expires_in", 60), now));
                    entry.read(quiet).orElseThrow().response(now);
                    entry.delete();
                }
            } finally {
                try (var files = Files.walk(folder)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
        } catch (Exception | AssertionError e) {
            // training is best effort: whatever was loaded is in the cache
        }
    }
}
