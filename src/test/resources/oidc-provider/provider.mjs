// oidc-provider (the OpenID-certified provider from npm) for Gatehouse's interoperability tests.
// Started by io.gatehouse.testkit.OidcProviderServer:  node provider.mjs <config.json> <ready.json>
// config.json: {"clients": [oidc-provider client metadata], "users": [{"sub", "email", ...}]}
// Once listening it writes {"issuer"} to ready.json. It exits when its stdin closes, so a killed test JVM
// leaves no provider behind.
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const [configFile, readyFile] = process.argv.slice(2);
const config = JSON.parse(readFileSync(configFile, 'utf8'));
const users = new Map(config.users.map((u) => [u.sub, u]));

// fresh signing keys per start: an RSA key for RS256 ID tokens, an EC P-256 key for ES256 ones
async function signingKey(alg, options = {}) {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...options });
  return { ...(await exportJWK(privateKey)), kid: `${alg.toLowerCase()}-${randomUUID()}`, alg, use: 'sig' };
}

// listening first, on a port the system picks, so the issuer names the real port and no other process can take it
const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: config.clients,
  jwks: { keys: [await signingKey('RS256', { modulusLength: 2048 }), await signingKey('ES256')] },
  async findAccount(_ctx, id) {
    const user = users.get(id);
    return user && { accountId: id, claims: async () => ({ ...user }) };
  },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['given_name', 'family_name', 'name'],
  },
  // the built-in login and consent pages (any login name is taken as the account id, the password is not checked)
  features: { devInteractions: { enabled: true } },
  pkce: { methods: ['S256'], required: () => true },
  cookies: { keys: [randomUUID()] },
  // explicit lifetimes (seconds), which also keeps oidc-provider from noting each default it falls back to
  ttl: { AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
});

// what each token request looked like, for the tests to assert on: names only, never values
const tokenRequests = [];
provider.on('grant.success', (ctx) => {
  const idToken = ctx.body?.id_token;
  tokenRequests.push({
    client_id: ctx.oidc.client.clientId,
    auth_method: ctx.oidc.client.clientAuthMethod,
    authorization_header: (ctx.headers.authorization ?? '').split(' ')[0],
    body_fields: Object.keys(ctx.oidc.body ?? {}).sort(),
    id_token_alg: idToken ? JSON.parse(Buffer.from(idToken.split('.')[0], 'base64url')).alg : null,
  });
});
provider.on('grant.error', (ctx, err) => console.error('grant.error', ctx.oidc?.client?.clientId, err.message,
  err.error_description ?? ''));
provider.on('authorization.error', (_ctx, err) => console.error('authorization.error', err.message,
  err.error_description ?? ''));
provider.on('server_error', (_ctx, err) => console.error('server_error', err));

// oidc-provider checks a static client's metadata on its first use; checked here, a faulty client fails the start
for (const { client_id: id } of config.clients) {
  if (!(await provider.Client.find(id))) {
    throw new Error(`client ${id} was not accepted`);
  }
}

const callback = provider.callback();
server.on('request', (req, res) => {
  if (req.method === 'GET' && req.url === '/test/token-requests') {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(tokenRequests));
    return;
  }
  callback(req, res);
});

writeFileSync(`${readyFile}.partial`, JSON.stringify({ issuer }));
renameSync(`${readyFile}.partial`, readyFile);
console.log(`oidc-provider ready at ${issuer} with clients ${config.clients.map((c) => c.client_id).join(', ')}`);

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
