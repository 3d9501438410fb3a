// A real OpenID Connect provider (panva's oidc-provider, certified) for the page's sign-in test:
// authorization code with PKCE for a public client, JWT access tokens for the KeepWarm APIs, and
// the library's own development login form (any name, any password).
//   node provider.mjs <port> <client_id> <redirect_uri> <resource> <audience>
import Provider from "oidc-provider";

const [port, clientId, redirectUri, resource, audience] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      token_endpoint_auth_method: "none",
      redirect_uris: [redirectUri],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  pkce: { required: () => true },
  // The page (a public client) trades its code from the browser: allow its own origin only.
  clientBasedCORS: (_ctx, origin, client) => client.redirectUris.some((uri) => new URL(uri).origin === origin),
  cookies: { keys: ["keepwarm-test-only"] },
  findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
  features: {
    devInteractions: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({ scope: "api", audience, accessTokenFormat: "jwt", accessTokenTTL: 3600 }),
    },
  },
  // A first-party client: the student is not asked to consent after signing in.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope("openid");
    grant.addResourceScope(resource, "api");
    await grant.save();
    return grant;
  },
});
provider.proxy = false;
provider.listen(Number(port), "127.0.0.1", () => console.log(`ready ${issuer}`));
