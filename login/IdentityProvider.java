package login;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.json.JSONArray;
import org.json.JSONObject;
import system.Log;
import system.Urls;

/**
 * The identity provider, as its discovery document describes it (OpenID Connect Discovery 1.0,
 * RFC 8414), checked once when it is read. The requests made to it are the connection's.
 *
 * @param issuer                the {@code issuer}, equal to the configured Authority
 * @param issParameterSupported whether it promises {@code iss} in authorization responses (RFC 9207 §3)
 */
public record IdentityProvider(String issuer, URI authorizationEndpoint, URI tokenEndpoint, Optional<URI> jwksUri,
        boolean issParameterSupported, Optional<URI> revocationEndpoint, List<String> idTokenSigningAlgorithms,
        Optional<URI> deviceAuthorizationEndpoint, Optional<URI> pushedAuthorizationRequestEndpoint,
        List<String> tokenEndpointAuthMethods, boolean requirePushedAuthorizationRequests, List<String> revocationEndpointAuthMethods) {

    /**
     * The ID token signature algorithms a client without a secret can check: asymmetric ones only (a
     * public client has no secret to check an HMAC with, and {@code none} is no signature at all).
     * EdDSA (Ed25519) needs Google Tink, as Nimbus does. {@link IdTokenValidator} accepts these.
     */
    static final List<String> ASYMMETRIC_ALGORITHMS = List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
            "ES512", "EdDSA", "Ed25519");

    /** How a login sends its authorization request: pushed first (RFC 9126) where the provider takes that, or never (--no-par). */
    public enum Push { WHERE_OFFERED, NEVER }

    /**
     * Step 3's address; when it refers to a pushed request, how long that lives (its {@code expires_in}).
     *
     * @param pushed whether the request was pushed (RFC 9126)
     */
    public record Address(URI url, Optional<Duration> expiresIn, boolean pushed) {
    }

    /**
     * The checks of a discovery document fetched from {@code url} for {@code authority} (Discovery
     * §4.3): its issuer must be the configured one, exactly (the configured one's scheme and host in
     * lower case, as {@link Urls#normalized} makes them); {@code source} says where the authority came from.
     */
    static IdentityProvider fromDocument(JSONObject document, URI authority, String source, URI url) throws LoginException {
        String issuer = string(document, "issuer", url);
        if (!Urls.stripTrailingSlash(issuer).equals(Urls.stripTrailingSlash(authority.toString()))) {
            throw LoginException.providerInvalid(Endpoint.DISCOVERY, url, "names the issuer '" + Log.printable(issuer)
                    + "', not the configured " + authority + " (" + source + "; OpenID Connect Discovery section 4.3)"
                    + (source.startsWith("{Resource}") ? ". If '" + Log.printable(issuer) + "' is right, set Authority to it in"
                            + " [Configuration] (Resource and TenantId stay, and so do OCS's scope and tenant)" : ""));
        }
        JSONArray methods = document.optJSONArray("code_challenge_methods_supported");
        if (methods != null && !methods.toList().contains(PkceUtil.CODE_CHALLENGE_METHOD)) {
            throw LoginException.providerInvalid(Endpoint.DISCOVERY, url, "lists code_challenge_methods_supported " + methods
                    + " without S256, the only PKCE method this client uses (RFC 7636 section 4.2)");
        }
        boolean pushesRequired = document.optBoolean("require_pushed_authorization_requests", false);
        if (pushesRequired && !document.has("pushed_authorization_request_endpoint")) {
            throw LoginException.providerInvalid(Endpoint.DISCOVERY, url, "requires pushed authorization requests"
                    + " (require_pushed_authorization_requests) but lists no pushed_authorization_request_endpoint (RFC 9126 section 5)");
        }
        return new IdentityProvider(issuer,
                endpoint(document, "authorization_endpoint", url).orElseThrow(() -> missing("authorization_endpoint", url)),
                endpoint(document, "token_endpoint", url).orElseThrow(() -> missing("token_endpoint", url)),
                endpoint(document, "jwks_uri", url),
                document.optBoolean("authorization_response_iss_parameter_supported", false),
                endpoint(document, "revocation_endpoint", url),
                strings(document, "id_token_signing_alg_values_supported"),
                endpoint(document, "device_authorization_endpoint", url),
                endpoint(document, "pushed_authorization_request_endpoint", url),
                strings(document, "token_endpoint_auth_methods_supported"),
                pushesRequired,
                strings(document, "revocation_endpoint_auth_methods_supported"));
    }

    /**
     * The algorithms of {@link #ASYMMETRIC_ALGORITHMS} that the provider lists in its
     * {@code id_token_signing_alg_values_supported} (all of them when it lists none).
     */
    List<String> checkableIdTokenAlgorithms() {
        return checkable(idTokenSigningAlgorithms);
    }

    /** The algorithms of {@link #ASYMMETRIC_ALGORITHMS} in {@code listed} (all of them when it is empty). */
    static List<String> checkable(List<String> listed) {
        return listed.isEmpty() ? ASYMMETRIC_ALGORITHMS : ASYMMETRIC_ALGORITHMS.stream().filter(listed::contains).toList();
    }

    /**
     * Whether a login with {@code policy} pushes its request here: where the provider takes pushed
     * requests; never with {@code --no-par}, which a provider that requires them refuses at once.
     */
    public boolean pushes(Push policy) throws LoginException {
        if (policy == Push.WHERE_OFFERED) {
            return pushedAuthorizationRequestEndpoint.isPresent();
        }
        if (requirePushedAuthorizationRequests) {
            throw new LoginException(LoginException.Exit.USAGE, "--no-par cannot sign in here: the provider requires pushed"
                    + " authorization requests (require_pushed_authorization_requests in its discovery document, RFC 9126 section 5);"
                    + " leave --no-par out");
        }
        return false;
    }

    /**
     * Whether the provider says that its revocation endpoint takes a client without a secret: its list
     * of client authentication methods (RFC 8414 §2), when there is one, has {@code none}. (Keycloak's
     * lists no {@code none} and revokes for public clients all the same: the list alone decides nothing.)
     */
    boolean saysItRevokesForPublicClients() {
        return revocationEndpointAuthMethods.isEmpty() || revocationEndpointAuthMethods.contains("none");
    }

    /**
     * {@code text}, an address the provider gave as {@code name} in its {@code endpoint} at
     * {@code source}, as a URI; refused (as that answer's fault) when it is not one, or fails
     * {@link Urls#providerUrlProblem} (https, or http on loopback; a host; no fragment).
     */
    static URI address(String text, String name, Endpoint endpoint, URI source) throws LoginException {
        Optional<String> problem;
        try {
            URI url = new URI(text);
            problem = Urls.providerUrlProblem(url);
            if (problem.isEmpty()) {
                return url;
            }
        } catch (URISyntaxException e) {
            problem = Optional.of("is not a URL");
        }
        throw LoginException.providerInvalid(endpoint, source, "gives " + name + " '" + Log.printable(text) + "', which " + problem.get());
    }

    /** The strings of a list in the document; a missing list, or anything but strings in it, counts for nothing. */
    private static List<String> strings(JSONObject document, String name) {
        JSONArray list = document.optJSONArray(name);
        List<String> strings = new ArrayList<>();
        if (list != null) {
            for (Object item : list) {
                if (item instanceof String text) {
                    strings.add(text);
                }
            }
        }
        return List.copyOf(strings);
    }

    private static String string(JSONObject document, String name, URI source) throws LoginException {
        if (document.opt(name) instanceof String value && !value.isBlank()) {
            return value;
        }
        throw missing(name, source);
    }

    private static Optional<URI> endpoint(JSONObject document, String name, URI source) throws LoginException {
        if (!document.has(name)) {
            return Optional.empty();
        }
        return Optional.of(address(string(document, name, source), name, Endpoint.DISCOVERY, source));
    }

    private static LoginException missing(String name, URI source) {
        return LoginException.providerInvalid(Endpoint.DISCOVERY, source, "has no " + name);
    }
}
