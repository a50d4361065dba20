import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorityInfoAccess } from '../../apps/etax/certificate-status.js';
import { readCms } from '../../apps/etax/cms-verify.js';
import { PINS } from '../support/factories.js';
import { Agent, type Step } from '../support/oidc-browser.js';
import { openssl, pem, scratch } from '../support/openssl.js';
import { STORES } from '../support/test-db.js';
import { cardLogin } from './support/card-login.js';
import { startApps, type Apps } from './support/apps-server.js';

// e-Tax end to end: login through Kagiya's provider, a return signed with the card's `sign` slot into CMS, checked
// by openssl (software nobody here wrote) and by e-Tax itself through the certificate's AIA and OCSP.

const FIGURES = { salary: '5,000,000', socialInsurance: '750000', otherDeductions: '40000', withheld: '100000' };

async function fileReturn(apps: Apps, agent: Agent, card: { cardId: string; cardKey: string }, password: string): Promise<Step> {
  const form = await agent.request(`${apps.etax.url}/returns`, { method: 'POST', body: new URLSearchParams(FIGURES) });
  expect(form.status, form.body.slice(0, 400)).toBe(303);
  const draft = await agent.request(`${apps.etax.url}/returns/draft`);
  expect(draft.body).toContain('34,200円'); // the balance due (income-tax.test.ts)
  const body = new FormData();
  body.append('cardFileText', JSON.stringify(card));
  body.append('password', password);
  return agent.request(`${apps.etax.url}/returns/draft/sign`, { method: 'POST', body });
}

async function signedIn(apps: Apps, card: { cardId: string; cardKey: string }) {
  const agent = new Agent(apps.kagiya.issuer);
  const { back } = await cardLogin(agent, apps.kagiya.issuer, apps.etax.url, card, PINS.auth);
  expect(back?.status).toBe(302);
  return agent;
}

/** The signature file a receipt links to, and the CA certificate its signer's AIA names. */
async function download(apps: Apps, agent: Agent, receiptUrl: string) {
  const receipt = await agent.request(receiptUrl);
  const href = /href="(\/returns\/[^"]+\.p7s)"/.exec(receipt.body)?.[1];
  const res = await fetch(`${apps.etax.url}${href}`, { headers: { cookie: agent.jar.header() } });
  expect(res.headers.get('content-type')).toContain('application/pkcs7-mime');
  const cms = new Uint8Array(await res.arrayBuffer());
  const signer = readCms(cms)!.signerCertificate;
  const caUrl = authorityInfoAccess(signer).caIssuers[0]!;
  expect(caUrl.startsWith(`${apps.kagiya.issuer}/pki/ca/`)).toBe(true);
  const ca = new Uint8Array(await (await fetch(caUrl)).arrayBuffer());
  return { receipt, cms, signer, ca };
}

for (const [label, stores, keyAlgorithm] of [
  ['ECDSA P-256', STORES, 'ECDSA-P256'],
  ['RSA-2048', STORES.slice(0, 1), 'RSA-2048'],
] as const) {
  describe.each(stores)(`e-Tax with ${label} cards (%s)`, (store) => {
    let apps: Apps;
    beforeAll(async () => {
      apps = await startApps(store, { keyAlgorithm });
    });
    afterAll(async () => apps?.close());

    it('signs a return with the signing password into CMS that openssl accepts with the CA certificate and refuses tampered', async () => {
      const card = await apps.kagiya.http.newCard({ name: '山田 次郎', address: '埼玉県さいたま市浦和区常盤9丁目1番1号' });
      const agent = await signedIn(apps, card);
      const filed = await fileReturn(apps, agent, card, PINS.sign.toLowerCase()); // lowercase is uppercased (DOMAIN §1)
      expect(filed.status, filed.body.slice(0, 600)).toBe(303);
      const { receipt, cms, ca } = await download(apps, agent, filed.location!);
      expect(receipt.body).toContain('data-testid="filed"');
      expect(receipt.body).toContain('<dd data-testid="signer-name">山田 次郎</dd>');
      expect(receipt.body).toContain('<dd data-testid="signer-address">埼玉県さいたま市浦和区常盤9丁目1番1号</dd>');
      expect(receipt.body).toContain('data-testid="ocsp-status"');

      const tmp = scratch();
      try {
        const caFile = tmp.file('ca.pem', pem('CERTIFICATE', ca));
        for (const [form, file] of [['DER', tmp.file('return.p7s', cms)], ['PEM', tmp.file('return.pem', pem('CMS', cms))]] as const) {
          const ok = await openssl(['cms', '-verify', '-inform', form, '-in', file, '-CAfile', caFile, '-out', tmp.path(`content-${form}`)]);
          expect(ok.code, ok.stderr).toBe(0);
          expect(ok.stderr).toContain('Verification successful');
        }
        const content = JSON.parse(await (await import('node:fs/promises')).readFile(tmp.path('content-DER'), 'utf8'));
        expect(content).toMatchObject({ type: 'kagiya-etax/income-tax-return', figures: { salary: 5_000_000 }, computed: { balance: 34_200 } });

        // One figure changed inside the signed content: the message digest no longer matches.
        const text = Buffer.from(cms);
        const at = text.indexOf(Buffer.from('"salary": 5000000'));
        expect(at).toBeGreaterThan(0);
        const tampered = Buffer.from(text);
        tampered.write('"salary": 4000000', at);
        const bad = await openssl(['cms', '-verify', '-inform', 'DER', '-in', tmp.file('tampered.p7s', tampered), '-CAfile', caFile, '-out', tmp.path('x')]);
        expect(bad.code).not.toBe(0);
        expect(bad.stderr).toMatch(/digest failure|verify error|Verification failure/i);

        // The right signature with some other CA as the anchor is refused too.
        const other = await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=Other CA', '-days', '1', '-keyout', tmp.path('k.pem'), '-out', tmp.path('other.pem')]);
        expect(other.code, other.stderr).toBe(0);
        const wrongCa = await openssl(['cms', '-verify', '-inform', 'DER', '-in', tmp.path('return.p7s'), '-CAfile', tmp.path('other.pem'), '-out', tmp.path('y')]);
        expect(wrongCa.code).not.toBe(0);
      } finally {
        tmp.dispose();
      }

      // Kagiya's history: the sign password was spent by e-Tax through the PC channel.
      const events = (await apps.kagiya.http.events(card)).body.events as Array<Record<string, unknown>>;
      expect(events.find((e) => e.slot === 'sign')).toMatchObject({ result: 'success', service: 'e-tax', channel: 'pc' });
    });

    it('answers OCSP good, then refuses the same return as revoked after a move — with that reason, not a lock', async () => {
      const card = await apps.kagiya.http.newCard({ name: '引越 花子' });
      const agent = await signedIn(apps, card);
      const filed = await fileReturn(apps, agent, card, PINS.sign);
      expect(filed.status).toBe(303);
      const recheck = `${filed.location!}/verify`;
      const good = await agent.request(recheck, { method: 'POST' });
      expect(good.status).toBe(200);
      expect(good.body).toContain('data-testid="ocsp-status"');

      const moved = await apps.kagiya.http.call('POST', `/api/v1/residents/${card.residentId}/move`, {
        body: { address: '神奈川県川崎市中原区小杉町3丁目245番地', municipalityCode: '141305' },
        headers: apps.kagiya.http.admin,
      });
      expect(moved.status).toBe(200);
      const revoked = await agent.request(recheck, { method: 'POST' });
      expect(revoked.status).toBe(410);
      expect(revoked.body).toContain('data-error-code="CERT_REVOKED"');
      expect(revoked.body).toContain('電子証明書が失効しています。暗証番号のロックではありません。');
      expect(revoked.body).toContain('The electronic certificate has been revoked. This is not a PIN lock.');
      expect(revoked.body).toContain('失効日時');
      expect(revoked.body).not.toContain('PIN_LOCKED');

      // Signing anew with the revoked certificate is refused by Kagiya before the password is compared.
      const before = (await apps.kagiya.http.status(card)).body.pins.sign.remaining;
      const again = await fileReturn(apps, agent, card, PINS.sign);
      expect(again.status).toBe(410);
      expect(again.body).toContain('data-error-code="CERT_REVOKED"');
      expect((await apps.kagiya.http.status(card)).body.pins.sign.remaining).toBe(before);
    });

    it('shows a wrong signing password with the tries left, and a malformed one as spending none', async () => {
      const card = await apps.kagiya.http.newCard();
      const agent = await signedIn(apps, card);
      const wrong = await fileReturn(apps, agent, card, 'WRONG1234');
      expect(wrong.status).toBe(401);
      expect(wrong.body).toContain('data-error-code="PIN_INCORRECT"');
      expect(wrong.body).toContain('残りの入力回数: 4回');
      expect(wrong.body).toContain('Tries left: 4');
      const malformed = await fileReturn(apps, agent, card, 'ab');
      expect(malformed.status).toBe(400);
      expect(malformed.body).toContain('data-error-code="PIN_FORMAT"');
      expect((await apps.kagiya.http.status(card)).body.pins.sign.remaining).toBe(4);
      const noCard = await (async () => {
        const body = new FormData();
        body.append('cardFileText', '{"cardId":"nope"}');
        body.append('password', PINS.sign);
        return agent.request(`${apps.etax.url}/returns/draft/sign`, { method: 'POST', body });
      })();
      expect(noCard.status).toBe(400);
      expect(noCard.body).toContain('data-error-code="CARD_FILE_INVALID"');
    });

    it('reports to Kagiya what it showed, with the card key, and the record agrees (issue 11)', async () => {
      const card = await apps.kagiya.http.newCard();
      const agent = await signedIn(apps, card);
      expect((await fileReturn(apps, agent, card, 'WRONG1234')).status).toBe(401);
      expect((await fileReturn(apps, agent, card, 'ab')).status).toBe(400);
      const reports = () => apps.kagiya.system.deps.clientReports.listForCard(card.cardId, 10);
      await expect.poll(async () => (await reports()).length).toBe(2);
      const [format, incorrect] = await reports();
      expect(incorrect).toMatchObject({ shownCode: 'PIN_INCORRECT', app: 'kagiya-etax', channel: 'pc', service: 'e-tax', slot: 'sign' });
      expect(format).toMatchObject({ shownCode: 'PIN_FORMAT', slot: 'sign' });
      const d = await apps.kagiya.http.call('GET', `/api/v1/counter/cards/${card.cardId}/diagnosis`, { headers: apps.kagiya.http.admin });
      expect(d.body.clientReports.tally).toEqual({ agrees: 2, mismatch: 0, outage: 0, unverifiable: 0 });
      expect(d.body.clientReports.mismatch).toBeNull();
      // Reporting spent nothing: one wrong password, the malformed one free.
      expect((await apps.kagiya.http.status(card)).body.pins.sign.remaining).toBe(4);
    });
  });
}

describe('e-Tax OCSP for registered relying parties only', () => {
  it('cannot confirm a signature without its relying-party token, and says so as an outage, not a lock', async () => {
    const { checkStatus } = await import('../../apps/etax/certificate-status.js');
    const apps = await startApps(STORES[0]!);
    try {
      const card = await apps.kagiya.http.newCard();
      const agent = await signedIn(apps, card);
      const filed = await fileReturn(apps, agent, card, PINS.sign);
      const { signer, ca } = await download(apps, agent, filed.location!);
      const deps = { fetch, now: () => new Date(), kagiyaOrigin: apps.kagiya.issuer };
      expect(await checkStatus({ ...deps, statusToken: apps.statusToken }, signer, ca)).toMatchObject({ ok: true, status: 'good' });
      expect(await checkStatus({ ...deps, statusToken: null }, signer, ca)).toMatchObject({ ok: false, refusal: { code: 'CERT_STATUS_UNAVAILABLE' } });
    } finally {
      await apps.close();
    }
  });
});
