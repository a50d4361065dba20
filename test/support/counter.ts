import type { LetterInput } from '../../src/app/counter-ports.js';
import { api } from './api.js';
import { newStaff, signIn } from './staff.js';
import type { TestSystem } from './test-db.js';

type Headers = Record<string, string>;
export type Card = { residentId: string; cardId: string; cardKey: string };

/**
 * The letter's one-time code exists in clear only on the printed letter: capture it where the letter is rendered, as
 * the holder would read it. Codes are kept per procedure, so tests running in any order find their own.
 */
export function captureLetterCodes(system: TestSystem): Map<string, string> {
  const codes = new Map<string, string>();
  const letters = system.deps.letters as { render: (input: LetterInput) => Promise<Uint8Array> };
  const render = letters.render.bind(letters);
  letters.render = async (input) => {
    codes.set(input.referenceNumber, input.oneTimeCode);
    return render(input);
  };
  return codes;
}

/** HTTP helpers for one counter test; every test signs in its own clerk, so no session is shared between tests. */
export function counterHttp(system: TestSystem) {
  const http = api(system);
  const call = (method: string, path: string, body?: unknown, headers: Headers = {}) => http.call(method, path, { ...(body !== undefined ? { body } : {}), headers });
  const proc = (id: string, suffix = '') => `/api/v1/counter/procedures/${id}${suffix}`;
  return {
    http,
    call,
    proc,
    async clerk(municipalityCode = '111007', role: 'clerk' | 'supervisor' | 'municipal_admin' = 'clerk'): Promise<Headers> {
      return signIn(system, await newStaff(system, role, municipalityCode));
    },
    /** A card whose `auth` PIN three wrong entries through the smartphone app locked. */
    async lockedCard(overrides: Record<string, unknown> = {}): Promise<Card> {
      const card = await http.newCard({ municipalityCode: '111007', birthDate: '1972-11-03', ...overrides });
      for (let i = 0; i < 3; i += 1) await http.verify(card, 'auth', '9999', { 'x-kagiya-channel': 'smartphone', 'x-kagiya-service': 'e-tax' });
      return card;
    },
    async open(clerk: Headers, residentId: string, applicantType: 'self' | 'legal_proxy' | 'voluntary_proxy', slots: string[], proxyName?: string): Promise<string> {
      const r = await call('POST', '/api/v1/counter/procedures', { residentId, applicantType, slots, ...(proxyName ? { proxyName } : {}) }, clerk);
      if (r.status !== 201) throw new Error(`open: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.id as string;
    },
    /** The same-day path up to the open PIN pad; returns the procedure id and the pad's token. */
    async sameDayAtPad(clerk: Headers, card: Card, slots: string[] = ['auth']): Promise<{ id: string; token: string }> {
      const id = await this.open(clerk, card.residentId, 'self', slots);
      await expectState(call('POST', proc(id, '/documents'), { presented: ['my_number_card', 'passport'], holderPresent: true }, clerk), 'documents_checked');
      await expectState(call('POST', proc(id, '/card'), { cardId: card.cardId, cardKey: card.cardKey }, clerk), 'card_presented');
      const pad = await call('POST', proc(id, '/pin-pad'), undefined, clerk);
      if (pad.status !== 200) throw new Error(`pin pad: ${JSON.stringify(pad.body)}`);
      return { id, token: String(pad.body.pinPadUrl).split('/').pop()! };
    },
    /** A voluntary proxy's visit 1: documents checked and the letter issued; returns the procedure and letter. */
    async letterIssued(clerk: Headers, card: Card, codes: Map<string, string>, slots: string[] = ['auth']) {
      const id = await this.open(clerk, card.residentId, 'voluntary_proxy', slots, '代理 人');
      await expectState(call('POST', proc(id, '/documents'), { presented: ['passport', 'driving_licence'], holderPresent: false }, clerk), 'documents_checked');
      const issued = await call('POST', proc(id, '/letter'), undefined, clerk);
      if (issued.status !== 200) throw new Error(`letter: ${JSON.stringify(issued.body)}`);
      const letter = issued.body.letter as { id: string; referenceNumber: string; pdfUrl: string; status: string; deadline: string };
      return { id, letter, code: codes.get(letter.referenceNumber)! };
    },
  };
}

async function expectState(response: Promise<{ status: number; body: Record<string, any> }>, state: string): Promise<void> {
  const r = await response;
  if (r.body.state !== state) throw new Error(`expected ${state}, got ${r.status} ${JSON.stringify(r.body)}`);
}
