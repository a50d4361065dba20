import { expect } from 'vitest';
import { Agent, interactionUid, type Step } from '../../support/oidc-browser.js';

/**
 * A resident's browser logging in to a relying service: the service's /login, Kagiya's login page (card file and
 * auth PIN), consent if asked, back to the service's callback. Returns the last step on Kagiya's side when the
 * login is refused there, else the service's answer to its callback.
 */
export async function cardLogin(
  agent: Agent,
  kagiya: string,
  service: string,
  card: { cardId: string; cardKey: string },
  pin: string,
): Promise<{ refusedAtKagiya: Step | null; back: Step | null }> {
  const start = await agent.request(`${service}/login`);
  expect(start.status, start.body.slice(0, 300)).toBe(302);
  expect(start.location!.startsWith(kagiya)).toBe(true);
  const callback = `${service}/callback`;
  const page = await agent.follow(start.location!, callback);
  expect(page.body).toContain('name="authPin"');
  let step = await agent.submit(`/oidc/interaction/${interactionUid(page)}/login`, { cardJson: JSON.stringify(card), authPin: pin, lang: 'ja' }, callback);
  if (step.status === 200 && step.body.includes('data-testid="consent-allow"')) {
    step = await agent.submit(`/oidc/interaction/${interactionUid(step)}/consent`, { decision: 'allow', lang: 'ja' }, callback, false);
  }
  if (!step.location?.startsWith(callback)) return { refusedAtKagiya: step, back: null };
  return { refusedAtKagiya: null, back: await agent.request(step.location) };
}
