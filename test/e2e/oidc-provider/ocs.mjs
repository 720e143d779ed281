// panva's oidc-provider set up the way OSIsoft Cloud Services (AVEVA Data Hub) behaves, for the
// end-to-end tests of issue 25. Installed from npm by test/support/TestOidcProvider.java.
//
// What it copies from OCS:
// - the issuer is {Resource}/identity, with IdentityServer's endpoint paths (/connect/authorize, ...),
//   and no pushed authorization requests;
// - every authorization request names the tenant, acr_values=tenant:{TenantId}; another is refused;
// - scopes openid, ocsapi and offline_access;
// - an Authorization Code client: public (PKCE, no secret), never given a refresh token;
// - a Hybrid client: the same flow with a client secret (client_secret_basic or _post), given a refresh
//   token when it asks for offline_access ("Allow Refresh Token").
//
// What it cannot copy: OCS grants offline_access to its Hybrid client with no consent page, while
// oidc-provider grants it only with prompt=consent (OpenID Connect Core §11); so this server adds
// prompt=consent to a request that asks for offline_access, and the test clicks the consent page.
import http from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT || 18091);
const resource = `http://127.0.0.1:${port}`;
const mount = '/identity';
const tenant = process.env.TENANT || '0a1b2c3d-1234-5678-9abc-def012345678';
const redirect_uris = ['http://localhost:5004/callback.html'];

const provider = new Provider(resource + mount, {
  clients: [{
    client_id: 'ocs-authorization-code',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris,
  }, {
    client_id: 'ocs-hybrid',
    client_secret: process.env.HYBRID_SECRET || 'ocs-hybrid-secret-for-the-tests-only',
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris,
  }],
  scopes: ['openid', 'offline_access', 'ocsapi'],
  acrValues: [`tenant:${tenant}`],
  routes: {
    authorization: '/connect/authorize',
    token: '/connect/token',
    revocation: '/connect/revocation',
    userinfo: '/connect/userinfo',
    end_session: '/connect/endsession',
    jwks: '/.well-known/openid-configuration/jwks',
  },
  features: {
    revocation: { enabled: true },
    devInteractions: { enabled: true },
    pushedAuthorizationRequests: { enabled: false },
  },
  cookies: { keys: ['for-the-tests-only'] },
  findAccount: async (ctx, id) => ({ accountId: id, async claims() { return { sub: id }; } }),
});

const callback = provider.callback();

http.createServer((req, res) => {
  if (req.url !== mount && !req.url.startsWith(`${mount}/`)) {
    res.writeHead(404).end('not found: OCS serves its identity provider at /identity');
    return;
  }
  const url = new URL(req.url, resource);
  if (url.pathname === `${mount}/connect/authorize`) {
    if (url.searchParams.get('acr_values') !== `tenant:${tenant}`) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`acr_values must be tenant:${tenant} (the tenant to sign in to)`);
      return;
    }
    const scopes = (url.searchParams.get('scope') || '').split(' ');
    if (scopes.includes('offline_access') && !(url.searchParams.get('prompt') || '').includes('consent')) {
      url.searchParams.set('prompt', 'consent'); // see above: what OCS needs no consent page for
      req.url = url.pathname + url.search;
    }
  }
  req.originalUrl = req.url; // oidc-provider's addresses keep the /identity it is mounted at
  req.url = req.url.slice(mount.length) || '/';
  callback(req, res);
}).listen(port, '127.0.0.1', () => console.log(`OCS-like oidc-provider serves ${resource}${mount}`));
