// panva's oidc-provider (OpenID Certified), configured for the end-to-end tests of ocs-pkce-login:
// a second real provider beside Keycloak. Installed from npm by test/e2e/TestOidcProvider.java.
//
// Its pushed authorization requests (RFC 9126, on by default) last 60 s, a fixed time.
//
// The client is what RFC 8252 calls a native app: public (no secret), a loopback redirect URI. For
// such a client oidc-provider issues a refresh token only for offline_access, and grants offline_access
// only with prompt=consent (OpenID Connect Core §11): what the tool must do for "sign in once".
import Provider from 'oidc-provider';

const port = Number(process.env.PORT || 18090);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'ocs-pkce-login',
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: ['http://localhost:5004/callback.html'],
  }],
  scopes: ['openid', 'offline_access'],
  features: { revocation: { enabled: true }, devInteractions: { enabled: true } },
  cookies: { keys: ['for-the-tests-only'] },
  findAccount: async (ctx, id) => ({ accountId: id, async claims() { return { sub: id }; } }),
});
provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider serves ${issuer}`));
