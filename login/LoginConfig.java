package login;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one login needs to know: the provider, the client and what to ask for. The command line
 * fills it in from config.ini, the environment and its options, and checks every value first.
 *
 * @param authority        the OpenID Connect issuer; for OCS it is {@code {Resource}/identity}
 * @param authoritySource  where it came from, for messages: "{Resource}/identity (from Resource)", "--authority"
 * @param ocs              whether this is OCS (Resource is set): its default scope, its required tenant, its clients' rules
 * @param clientId         the client registered with the provider
 * @param tenantId         the OCS tenant, sent as {@code acr_values=tenant:{TenantId}}
 * @param scope            space-separated scopes; {@code openid ocsapi} for OCS by default
 * @param scopeSource      where the scope came from, for the {@code invalid_scope} hint
 * @param redirectUri      the loopback redirect URI registered on the client (RFC 8252 §7.3)
 * @param caFile           PEM certificates of a company CA, trusted besides Java's
 * @param authParams       more authorization request parameters the provider needs, of {@link #AUTH_PARAMETERS}
 * @param clientSecretFile where a confidential client's secret is, when it is in a file
 * @param tokenStore       where the secrets of the token cache are kept: files, or the OS's keychain
 * @param apiBase          where {@code ocs-login api} sends its requests with the token: ApiBase, else {@code {Resource}/api/v1} for OCS
 * @param browser          the command that opens the browser (the Browser setting), when the user named one
 * @param source           the config file used, or what stood in for it, for the "config used" line
 * @param warnings         what is allowed but probably a mistake, one line each
 */
public record LoginConfig(URI authority, String authoritySource, boolean ocs, String clientId, Optional<String> tenantId,
        String scope, String scopeSource, URI redirectUri, Optional<Path> caFile, Map<String, String> authParams,
        Optional<Path> clientSecretFile, TokenStore tokenStore, Optional<URI> apiBase,
        Optional<String> browser, String source, List<String> warnings) {

    /** Where the token cache keeps its secrets (TokenStore): in its private files, or in the OS's keychain. */
    public enum TokenStore { FILE, KEYCHAIN }

    public static final URI DEFAULT_REDIRECT_URI = URI.create("http://localhost:5004/callback.html");
    /** The scope for OCS (Resource is set); any other OpenID Connect provider gets {@code openid}. */
    public static final String DEFAULT_SCOPE = "openid ocsapi";
    public static final String DEFAULT_OIDC_SCOPE = "openid";
    /** Where {@link #scopeSource} says the scope is a default: a machine then asks for its own default. */
    public static final String DEFAULT_SCOPE_SOURCE = "the default";

    /**
     * What AuthParams may add to the authorization request: parameters that say how to sign in, or
     * what to put in the token, and cannot change where the code goes or what binds it to this login
     * ({@code request}, {@code response_mode}, {@code redirect_uri} and the flow's own cannot be set).
     * OpenID Connect Core §3.1.2.1 and §5.5, RFC 8707 ({@code resource}), and the widespread
     * {@code audience}; with the hints of Keycloak, Entra ID, Google and Auth0.
     */
    public static final Set<String> AUTH_PARAMETERS = Set.of("ui_locales", "claims_locales", "login_hint", "id_token_hint", "prompt",
            "max_age", "display", "acr_values", "claims", "resource", "audience", "kc_idp_hint", "kc_locale", "domain_hint", "hd",
            "organization", "connection", "access_type", "include_granted_scopes");

    /**
     * This config for {@code client}: OCS gives a refresh token only to a Hybrid client (one with a
     * secret) that asks for {@code offline_access}, so its default scope then asks for it.
     */
    public LoginConfig forClient(ClientAuthentication client) {
        if (!ocs || !(client instanceof ClientAuthentication.Secret) || !scopeSource.equals(DEFAULT_SCOPE_SOURCE + " for OCS")) {
            return this;
        }
        return new LoginConfig(authority, authoritySource, ocs, clientId, tenantId, DEFAULT_SCOPE + " offline_access",
                DEFAULT_SCOPE_SOURCE + " for OCS with a client secret (a Hybrid client)", redirectUri, caFile, authParams,
                clientSecretFile, tokenStore, apiBase, browser, source, warnings);
    }

    /** The scopes, one by one. */
    public List<String> scopes() {
        return List.of(scope.strip().split("\\s+"));
    }

    /**
     * The scope a machine asks for ({@code --client-credentials}): the configured Scope; else
     * {@code ocsapi} for OCS; else none. Never {@code openid} by default: OpenID Connect is about a
     * person signing in, and a machine gets no ID token.
     */
    public Optional<String> machineScope() {
        if (!scopeSource.startsWith(DEFAULT_SCOPE_SOURCE)) {
            return Optional.of(scope);
        }
        return ocs ? Optional.of("ocsapi") : Optional.empty();
    }
}
