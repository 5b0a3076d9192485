/**
 * Sign-in through an external OpenID Connect provider (a province's unified identity service,
 * 统一身份认证), with `openid-client`: the authorization code flow with PKCE (S256), `state` and
 * `nonce`, the ID token checked by the library (issuer, audience, signature, expiry, nonce). An
 * account is matched by the provider's issuer and `sub`; the username claim only binds an account
 * not bound yet, once (src/people/accounts.ts `enabledOidcPerson`) — an unknown one signs no one
 * in, and no account is ever created from a provider's word.
 *
 * The issuer URL is the operator's configuration, not a user's input, so it is not put through
 * the outbound policy for user-given URLs (src/platform/http/outbound.ts): an identity service on
 * the government's internal network is the normal case. What users give in this flow — the
 * `returnTo` path — is checked to be a path of this origin, and is never fetched.
 */
import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import type { Config } from '../platform/config.ts';
import { DomainError, notFound } from '../platform/errors.ts';
import { perPlatform, type Platform } from '../platform/platform.ts';
import type { Queryable } from '../platform/store/store.ts';
import { hashOf } from './sessions.ts';

const FLOW_MINUTES = 10;
const SCOPE = 'openid profile';

export const oidcEnabled = (config: Pick<Config, 'oidcIssuer' | 'oidcClientId'>): boolean => Boolean(config.oidcIssuer && config.oidcClientId);

export const redirectUrlOf = (config: Pick<Config, 'oidcRedirectUrl' | 'publicUrl'>): string => config.oidcRedirectUrl ?? `${config.publicUrl}/api/v1/session/oidc/callback`;

const failed = (detail: string, cause?: unknown) => new DomainError('unauthenticated', 'oidc-failed', detail, { cause });

/** The provider's configuration, discovered once (again after a failure) per platform. */
const discovered = perPlatform(() => ({ configuration: undefined as Promise<client.Configuration> | undefined }));

async function providerConfiguration(platform: Platform): Promise<client.Configuration> {
  const { config } = platform;
  if (!oidcEnabled(config)) throw notFound('oidc-not-configured', 'sign-in through an OpenID Connect provider is not configured (CERTBRIDGE_OIDC_ISSUER)');
  const state = discovered(platform);
  state.configuration ??= (async () => {
    const issuer = new URL(config.oidcIssuer!);
    const secret = config.oidcClientSecret;
    return client.discovery(issuer, config.oidcClientId!, secret ? { client_secret: secret } : undefined, secret ? client.ClientSecretBasic(secret) : client.None(), {
      // The configuration allows http only on a loopback address (a provider on this machine).
      execute: issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [],
      timeout: 10,
    });
  })();
  try {
    return await state.configuration;
  } catch (error) {
    state.configuration = undefined;
    platform.log.warn({ err: error }, 'people: the OpenID Connect provider could not be discovered');
    throw new DomainError('unavailable', 'oidc-failed', 'the OpenID Connect provider cannot be reached; try again later, or sign in with a password', { cause: error, retryAfterSeconds: 30 });
  }
}

/**
 * A path of this origin to go to after signing in (`/licenses?status=valid`); anything else
 * (another origin, `//host`, a scheme, a backslash that browsers read as a slash) is `/`.
 */
export function safeReturnTo(value: string | undefined): string {
  if (!value || value.length > 2000 || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return '/';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return '/';
  const base = 'http://certbridge.invalid';
  let parsed: URL;
  try {
    parsed = new URL(value, base);
  } catch {
    return '/';
  }
  return parsed.origin === base ? `${parsed.pathname}${parsed.search}${parsed.hash}` : '/';
}

/** Starts a sign-in: where to send the browser, and the id of the flow (for a cookie of that browser). */
export async function beginOidc(platform: Platform, db: Queryable, returnTo: string | undefined): Promise<{ location: string; flowId: string }> {
  const configuration = await providerConfiguration(platform);
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const location = client.buildAuthorizationUrl(configuration, {
    redirect_uri: redirectUrlOf(platform.config),
    scope: SCOPE,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const flowId = randomBytes(32).toString('base64url');
  await db.query(
    `insert into people_oidc_flows (id_hash, state, nonce, code_verifier, return_to, expires_at)
     values ($1, $2, $3, $4, $5, now() + make_interval(mins => $6::int))`,
    [hashOf(flowId), state, nonce, codeVerifier, safeReturnTo(returnTo), FLOW_MINUTES],
  );
  return { location: location.href, flowId };
}

/**
 * Completes a sign-in the provider redirected back (`query`: the callback's query string): the
 * flow of this browser is taken (once), the code exchanged, the ID token checked; the username the
 * provider vouches for, and where to go next.
 */
export async function completeOidc(
  platform: Platform,
  db: Queryable,
  flowId: string | undefined,
  query: string,
): Promise<{ username: string; issuer: string; subject: string; returnTo: string }> {
  const configuration = await providerConfiguration(platform);
  const flow = flowId
    ? (
        await db.query<{ state: string; nonce: string; code_verifier: string; return_to: string }>(
          'delete from people_oidc_flows where id_hash = $1 and expires_at > now() returning state, nonce, code_verifier, return_to',
          [hashOf(flowId)],
        )
      ).rows[0]
    : undefined;
  if (!flow) throw failed(`this sign-in was not started in this browser, or took longer than ${FLOW_MINUTES} minutes: start again`);
  const callback = new URL(redirectUrlOf(platform.config));
  callback.search = query;
  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    tokens = await client.authorizationCodeGrant(configuration, callback, {
      pkceCodeVerifier: flow.code_verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
  } catch (error) {
    const description = error instanceof client.AuthorizationResponseError ? `${error.error}${error.error_description ? `: ${error.error_description}` : ''}` : 'the answer could not be verified';
    platform.log.warn({ err: error }, 'people: an OpenID Connect sign-in failed');
    throw failed(`the identity provider did not sign you in (${description})`, error);
  }
  const claims = tokens.claims();
  if (!claims) throw failed('the identity provider sent no ID token');
  const claim = platform.config.oidcUsernameClaim;
  let value: unknown = claims[claim];
  if (value === undefined && tokens.access_token) {
    try {
      value = (await client.fetchUserInfo(configuration, tokens.access_token, claims.sub))[claim];
    } catch (error) {
      platform.log.warn({ err: error }, 'people: the OpenID Connect UserInfo request failed');
    }
  }
  if (typeof value !== 'string' || value.trim() === '') throw failed(`the identity provider named no ${claim} for this sign-in`);
  // The library checked iss against the discovered issuer: with sub, the one identifier of the end-user.
  return { username: value.trim(), issuer: claims.iss, subject: claims.sub, returnTo: flow.return_to };
}
