import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PINS } from '../support/factories.js';
import { Agent } from '../support/oidc-browser.js';
import { STORES } from '../support/test-db.js';
import { cardLogin } from './support/card-login.js';
import { JST_NOON, KIOSK_TERMINAL, startApps, type Apps } from './support/apps-server.js';

// The convenience-store kiosk end to end: openid-client (inside the kiosk) against Kagiya's provider, the card and
// its auth PIN on Kagiya's page, the residence record from Kagiya's resource API, a Japanese PDF.

async function pdfText(pdf: Uint8Array): Promise<string> {
  const task = getDocument({ data: pdf.slice(), verbosity: 0, isEvalSupported: false });
  const doc = await task.promise;
  try {
    const content = await (await doc.getPage(1)).getTextContent();
    return content.items.map((i) => ('str' in i ? i.str : '')).join('').replace(/\s+/gu, '');
  } finally {
    await task.destroy();
  }
}

describe.each(STORES)('convenience-store kiosk (%s)', (store) => {
  let apps: Apps;
  beforeAll(async () => {
    apps = await startApps(store);
  });
  afterAll(async () => apps?.close());

  it('logs in with the card and the auth PIN, issues the 住民票の写し as a PDF, and records the terminal on the attempt', async () => {
    apps.setKioskClock(JST_NOON);
    const card = await apps.kagiya.http.newCard({ name: '佐藤 一郎', nameKana: 'サトウ イチロウ', address: '埼玉県さいたま市浦和区高砂3丁目15番1号' });
    const agent = new Agent(apps.kagiya.issuer);
    const { back } = await cardLogin(agent, apps.kagiya.issuer, apps.kiosk.url, card, PINS.auth);
    expect(back?.status).toBe(302);
    const menu = await agent.request(`${apps.kiosk.url}/menu`);
    expect(menu.status).toBe(200);
    expect(menu.body).toContain('住民票の写し');

    const issued = await agent.request(`${apps.kiosk.url}/certificates/juminhyo`, { method: 'POST' });
    expect(issued.status, issued.body.slice(0, 500)).toBe(303);
    const done = await agent.request(`${apps.kiosk.url}/issued`);
    const number = /data-testid="certificate-number">([^<]+)</.exec(done.body)?.[1];
    expect(number).toMatch(/^K-\d{8}-[0-9A-F]{6}$/);
    const res = await fetch(`${apps.kiosk.url}/certificates/${number}.pdf`, { headers: { cookie: agent.jar.header() } });
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const text = await pdfText(new Uint8Array(await res.arrayBuffer()));
    for (const expected of ['住民票の写し', '佐藤一郎', 'サトウイチロウ', '埼玉県さいたま市浦和区高砂3丁目15番1号', 'さいたま市長', KIOSK_TERMINAL]) expect(text).toContain(expected);

    // Kagiya's history names the kiosk: service, channel and terminal of the auth PIN entry.
    const events = (await apps.kagiya.http.events(card)).body.events as Array<Record<string, unknown>>;
    const login = events.find((e) => e.slot === 'auth' && e.result === 'success');
    expect(login).toMatchObject({ service: 'konbini-certificates', channel: 'kiosk', terminal: KIOSK_TERMINAL });
  });

  it('records the terminal on a failed attempt too, and Kagiya tells the tries left', async () => {
    apps.setKioskClock(JST_NOON);
    const card = await apps.kagiya.http.newCard();
    const agent = new Agent(apps.kagiya.issuer);
    const { refusedAtKagiya } = await cardLogin(agent, apps.kagiya.issuer, apps.kiosk.url, card, '0000');
    expect(refusedAtKagiya?.body).toContain('data-error-code="PIN_INCORRECT"');
    const events = (await apps.kagiya.http.events(card)).body.events as Array<Record<string, unknown>>;
    expect(events.find((e) => e.slot === 'auth')).toMatchObject({ result: 'incorrect', remainingAfter: 2, channel: 'kiosk', terminal: KIOSK_TERMINAL, service: 'konbini-certificates' });
  });

  it('refuses outside 06:30–23:00 JST with the hours, before any PIN is asked', async () => {
    apps.setKioskClock(() => new Date(`${JST_NOON().toISOString().slice(0, 10)}T23:30:00+09:00`));
    const card = await apps.kagiya.http.newCard();
    const agent = new Agent(apps.kagiya.issuer);
    const home = await agent.request(`${apps.kiosk.url}/`);
    expect(home.body).toContain('data-error-code="OUTSIDE_SERVICE_HOURS"');
    expect(home.body).toContain('6時30分から23時00分');
    expect(home.body).not.toContain('data-testid="start"');
    const login = await agent.request(`${apps.kiosk.url}/login`);
    expect(login.status).toBe(409);
    expect(login.location).toBeNull();
    expect(login.body).toContain('The service is closed now');
    const events = (await apps.kagiya.http.events(card)).body.events as unknown[];
    expect(events.filter((e) => (e as { slot: string }).slot === 'auth')).toHaveLength(0);
  });

  it('refuses issuance when the hours end between login and issuance', async () => {
    const day = JST_NOON().toISOString().slice(0, 10);
    apps.setKioskClock(() => new Date(`${day}T22:59:30+09:00`));
    const card = await apps.kagiya.http.newCard();
    const agent = new Agent(apps.kagiya.issuer);
    await cardLogin(agent, apps.kagiya.issuer, apps.kiosk.url, card, PINS.auth);
    apps.setKioskClock(() => new Date(`${day}T23:00:00+09:00`));
    const issued = await agent.request(`${apps.kiosk.url}/certificates/juminhyo`, { method: 'POST' });
    expect(issued.status).toBe(409);
    expect(issued.body).toContain('data-error-code="OUTSIDE_SERVICE_HOURS"');
  });

  it('shows a suspended card as suspended at login, not as a lock', async () => {
    apps.setKioskClock(JST_NOON);
    const card = await apps.kagiya.http.newCard();
    const suspended = await apps.kagiya.http.call('POST', `/api/v1/cards/${card.cardId}/suspend`, { body: { reason: 'lost' }, headers: apps.kagiya.http.admin });
    expect(suspended.status).toBe(200);
    const agent = new Agent(apps.kagiya.issuer);
    const { refusedAtKagiya } = await cardLogin(agent, apps.kagiya.issuer, apps.kiosk.url, card, PINS.auth);
    expect(refusedAtKagiya?.body).toContain('data-error-code="CARD_SUSPENDED"');
    expect(refusedAtKagiya?.body).not.toContain('data-error-code="PIN_LOCKED"');
  });
});
