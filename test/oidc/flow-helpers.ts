import * as client from 'openid-client';
import { PINS } from '../support/factories.js';
import { Agent, interactionUid, type Step } from '../support/oidc-browser.js';
import type { TestClient } from '../support/oidc-server.js';

export async function discover(issuer: string, c: TestClient) {
  return client.discovery(new URL(issuer), c.clientId, c.clientSecret, undefined, { execute: [client.allowInsecureRequests] });
}

/** Starts an authorization and returns the login page the resident sees, with what the RP must keep. */
export async function startLogin(issuer: string, config: client.Configuration, c: TestClient, scope = 'openid', agent = new Agent(issuer)) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: c.redirectUri,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  });
  const page = await agent.follow(url.toString(), c.redirectUri);
  return { agent, page, uid: interactionUid(page), verifier, state };
}

/** Submits the login form; consents if asked; returns the final step (a redirect to the RP, or a refusal page). */
export async function submitLogin(
  agent: Agent,
  uid: string,
  c: TestClient,
  fields: { cardJson?: string; authPin?: string; signPin?: string; lang?: string; confirmLastTry?: string },
): Promise<Step> {
  const step = await agent.submit(`/oidc/interaction/${uid}/login`, { authPin: PINS.auth, lang: 'ja', ...fields } as Record<string, string>, c.redirectUri);
  if (step.status === 200 && step.body.includes('data-testid="consent-allow"')) {
    return agent.submit(`/oidc/interaction/${interactionUid(step)}/consent`, { decision: 'allow' }, c.redirectUri, false);
  }
  return step;
}

/** The refusal on a login page: code and the attributes the page states. */
export function refusalOf(step: Step) {
  const m = /data-testid="refusal" data-error-code="([A-Z_]+)" data-slot="([a-z]*)" data-remaining="(\d*)"/.exec(step.body);
  if (!m) return null;
  const guidance = /data-testid="guidance-link" href="([^"]+)"/.exec(step.body)?.[1] ?? null;
  return { code: m[1]!, slot: m[2]!, remaining: m[3]!, guidance, text: step.body };
}
