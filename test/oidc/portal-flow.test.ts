import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PINS } from '../support/factories.js';
import { Agent, interactionUid, type Step } from '../support/oidc-browser.js';
import { startPortalStack, type PortalStack } from '../e2e/support/portal-server.js';

// The resident portal over plain HTTP (no browser): renewal reminder, PIN change and loss report, each through
// Kagiya's holder resource with the portal's token.

const NEVER = 'about:never';

describe('resident portal over HTTP', () => {
  let stack: PortalStack;
  beforeAll(async () => {
    stack = await startPortalStack();
  });
  afterAll(async () => stack?.close());

  async function loggedIn(card: { cardId: string; cardKey: string }): Promise<{ agent: Agent; dashboard: Step }> {
    const agent = new Agent(stack.portal.url);
    const loginPage = await agent.follow(`${stack.portal.url}/login?lang=ja`, NEVER);
    let step = await agent.submit(`${stack.kagiya.issuer}/oidc/interaction/${interactionUid(loginPage)}/login`, { cardJson: JSON.stringify(card), authPin: PINS.auth }, NEVER);
    if (step.body.includes('data-testid="consent-allow"')) {
      step = await agent.submit(`${stack.kagiya.issuer}/oidc/interaction/${interactionUid(step)}/consent`, { decision: 'allow' }, NEVER, false);
    }
    expect(step.url).toBe(`${stack.portal.url}/`);
    return { agent, dashboard: step };
  }
  const flash = (step: Step) => /data-testid="flash" data-code="([A-Z_]*)">([^<]*)/.exec(step.body);

  it('reminds the holder to renew a certificate that expires within three months', async () => {
    const card = await stack.kagiya.http.newCard();
    const soon = new Date(Date.now() + 40 * 86_400_000);
    await stack.kagiya.system.db.updateTable('certificates').set({ not_after: soon }).where('card_id', '=', card.cardId).where('kind', '=', 'sign').execute();
    const { dashboard } = await loggedIn(card);
    expect(dashboard.body).toContain('data-testid="renewal-sign"');
    expect(dashboard.body).not.toContain('data-testid="renewal-auth"');
    expect(dashboard.body).toMatch(/有効期限まであと(39|40)日です/);
  });

  it('changes a PIN: a wrong current PIN says the tries left, the right one changes it', async () => {
    const card = await stack.kagiya.http.newCard();
    const { agent } = await loggedIn(card);
    const cardJson = JSON.stringify(card);
    const wrong = await agent.submit('/pin-change', { slot: 'juki', cardJson, currentPin: '0000', newPin: '6284', newPin2: '6284' }, NEVER, false);
    expect(flash(wrong)?.[1]).toBe('PIN_INCORRECT');
    expect(flash(wrong)?.[2]).toContain('残り2回です');
    const mismatch = await agent.submit('/pin-change', { slot: 'juki', cardJson, currentPin: PINS.juki, newPin: '6284', newPin2: '6285' }, NEVER, false);
    expect(flash(mismatch)?.[1]).toBe('MISMATCH');
    const ok = await agent.submit('/pin-change', { slot: 'juki', cardJson, currentPin: PINS.juki, newPin: '6284', newPin2: '6284' }, NEVER, false);
    expect(flash(ok)?.[1]).toBe('OK');
    expect((await stack.kagiya.http.verify(card, 'juki', '6284')).status).toBe(200);
    const events = (await stack.kagiya.http.events(card)).body.events as { operation: string; service: string; channel: string }[];
    expect(events.find((e) => e.operation === 'change_pin')).toMatchObject({ service: 'portal', channel: 'pc' });
  });

  it('reports the card lost and shows it suspended, not locked', async () => {
    const card = await stack.kagiya.http.newCard();
    const { agent } = await loggedIn(card);
    const done = await agent.submit('/report-lost', { confirm: 'yes' }, NEVER, false);
    expect(flash(done)?.[1]).toBe('SUSPENDED');
    expect(done.body).toContain('data-testid="card-state" data-state="suspended"');
    expect(done.body).toContain('暗証番号のロックではありません');
  });
});
