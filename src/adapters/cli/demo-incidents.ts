import { createResident } from '../../app/create-resident.js';
import { issueCard } from '../../app/issue-card.js';
import type { CounterDeps } from '../../app/counter-ports.js';
import type { Actor } from '../../domain/actor.js';
import { completeMyNumber } from '../../domain/my-number.js';
import type { PinSlot } from '../../domain/pin-slot.js';
import type { Db } from '../db/create-db.js';

// Demo history worth looking at (issue 11): the seed story's reports (an app showed "locked" again and again; the
// card never locked) and about 60 days of varied incidents over every demo municipality, service and channel, so the
// lock dashboard's charts have shape. Generated in memory with a fixed seed and written in two batched inserts: the
// background cards are issued through the real use case, their history is not played request by request.

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;
const actor: Actor = { id: 'demo-seed', label: 'demo seed', role: 'national_admin', municipalityCode: null };
const PINS = { auth: '4831', sign: 'KAGIYA2468', assist: '7392', juki: '5068' } as const;
const MAX: Readonly<Record<PinSlot, number>> = { auth: 3, sign: 5, assist: 3, juki: 3 };

/** The seed story's app: it shows a failed NFC read as a lock (the mismatch the diagnosis names). */
export const SEED_APP = { app: 'MynaPocket', appVersion: '1.4.2' } as const;

type Source = Readonly<{ channel: string; service: string; terminal: string | null; app: string; appVersion: string }>;
const SOURCES: readonly Source[] = [
  { channel: 'smartphone', service: 'mynaportal', terminal: null, app: 'MynaPocket', appVersion: '1.5.0' },
  { channel: 'pc', service: 'e-tax', terminal: null, app: 'e-Tax', appVersion: '2026.1' },
  { channel: 'kiosk', service: 'konbini-certificates', terminal: 'store-0001-MMK1', app: 'konbini-certificates', appVersion: '0.1.0' },
  { channel: 'clinic', service: 'health-insurance', terminal: 'clinic-reader-07', app: 'HokenCheck', appVersion: '3.2' },
  { channel: 'smartphone', service: 'e-tax', terminal: null, app: 'e-Tax', appVersion: '2026.1' },
  { channel: 'ic-reader', service: 'e-tax', terminal: 'Virtual PCD 00 00', app: 'kagiya-reader', appVersion: '0.1.0' },
];

const FAMILY = ['佐々木', '山本', '中島', '小川', '森', '石井', '前田', '藤田', '岡田', '後藤', '長谷川', '村上', '近藤', '坂本', '遠藤'];
const GIVEN = ['健太', '美穂', '大輔', '由美', '翔', '陽子', '誠', '愛', '拓也', '恵', '浩二', '真央', '亮', '千尋', '直樹'];

/** A small fixed-seed generator (mulberry32): the same demo every time. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type EventRow = {
  card_id: string;
  occurred_at: Date;
  operation: string;
  slot: PinSlot | null;
  result: string;
  code: string | null;
  remaining_after: number | null;
  channel: string | null;
  service: string | null;
  terminal: string | null;
  actor: string | null;
  detail: string | null;
};
type ReportRow = {
  card_id: string | null;
  received_at: Date;
  shown_code: string;
  app: string;
  app_version: string;
  channel: string | null;
  service: string | null;
  terminal: string | null;
  slot: PinSlot | null;
  client_cause: string | null;
  source_kind: 'card_key' | 'holder_token' | 'relying_party';
  source_id: string;
  detail: string | null;
};

type BackgroundCard = { cardId: string; municipalityCode: string; certsExpireAt: Date | null };

async function issueBackgroundCards(deps: CounterDeps, now: Date, municipalities: readonly string[]): Promise<BackgroundCard[]> {
  const cards: BackgroundCard[] = [];
  const expiredIssue = new Date(now.getTime() - (5 * 365 + 60) * DAY);
  const shifted = new Date(expiredIssue.getTime() + 30 * DAY + 9 * HOUR).toISOString().slice(5, 10);
  let n = 0;
  for (const [m, code] of municipalities.entries()) {
    for (let k = 0; k < 3; k += 1) {
      // The third card of each municipality was issued five years ago: its certificates expired about a month ago.
      const expired = k === 2;
      const issuedAt = expired ? expiredIssue : new Date(now.getTime() - 400 * DAY);
      const past = { ...deps, clock: () => issuedAt };
      const birth = expired ? `1970-${shifted}`.replace('-02-29', '-02-28') : `19${60 + n}-0${1 + (n % 9)}-1${n % 9}`;
      const resident = await createResident(past, actor, {
        municipalityCode: code,
        name: `${FAMILY[n % FAMILY.length]} ${GIVEN[n % GIVEN.length]}`,
        nameKana: 'デモ ジュウミン',
        birthDate: birth,
        sex: n % 2 === 0 ? 'male' : 'female',
        address: `デモ住所 ${code}-${k + 1}`,
        myNumber: completeMyNumber(`90${m}${k}1357913`),
      });
      if (!resident.ok) throw new Error(`demo background resident: ${resident.code}`);
      const card = await issueCard(past, actor, { residentId: resident.value.id, pins: { ...PINS } }, { channel: 'counter', service: 'card-issuance', terminal: null, actor: actor.id });
      if (!card.ok) throw new Error(`demo background card: ${card.code}`);
      const overview = expired ? await deps.cards.overview(card.value.cardId) : null;
      cards.push({ cardId: card.value.cardId, municipalityCode: code, certsExpireAt: overview?.certificates.auth?.notAfter ?? null });
      n += 1;
    }
  }
  return cards;
}

function event(cardId: string, at: Date, e: Partial<EventRow> & Pick<EventRow, 'operation' | 'result'>): EventRow {
  return { card_id: cardId, occurred_at: at, slot: null, code: null, remaining_after: null, channel: null, service: null, terminal: null, actor: null, detail: null, ...e };
}

function report(cardId: string | null, at: Date, src: Pick<Source, 'channel' | 'service' | 'terminal' | 'app' | 'appVersion'>, shown: string, extra: Partial<ReportRow> = {}): ReportRow {
  return {
    card_id: cardId,
    received_at: at,
    shown_code: shown,
    app: src.app,
    app_version: src.appVersion,
    channel: src.channel,
    service: src.service,
    terminal: src.terminal,
    slot: null,
    client_cause: null,
    source_kind: cardId ? 'card_key' : 'relying_party',
    source_id: cardId ?? `demo-${src.app}`,
    detail: null,
    ...extra,
  };
}

/** One background card's 60 days: locks and their unlocks, wrong PINs with tries left, holds, certificate refusals. */
function cardHistory(card: BackgroundCard, now: Date, rnd: () => number, events: EventRow[], reports: ReportRow[]) {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const seedApp = { channel: 'smartphone', service: 'mynaportal', terminal: null, ...SEED_APP };
  let t = now.getTime() - 60 * DAY + rnd() * 2 * DAY;
  while (t < now.getTime() - 2 * HOUR) {
    const at = new Date(t);
    const src = pick(SOURCES);
    const expired = card.certsExpireAt !== null && at.getTime() >= card.certsExpireAt.getTime();
    const roll = rnd();
    if (expired) {
      // A certificate past its date: the card refuses before any PIN is checked; one old app calls it a lock.
      events.push(event(card.cardId, at, { operation: 'authenticate', slot: 'auth', result: 'refused', code: 'CERT_EXPIRED', remaining_after: 3, channel: src.channel, service: src.service, terminal: src.terminal }));
      reports.push(report(card.cardId, new Date(t + 20_000), roll < 0.4 ? seedApp : src, roll < 0.4 ? 'PIN_LOCKED' : 'CERT_EXPIRED', { slot: 'auth' }));
      t += (2 + rnd() * 6) * DAY;
      continue;
    }
    if (roll < 0.42 && t < now.getTime() - 8 * DAY) {
      // A real lock, then an unlock at the counter or, for a certificate PIN, at a kiosk a few days later.
      const slot: PinSlot = rnd() < 0.75 ? 'auth' : 'sign';
      events.push(event(card.cardId, at, { operation: 'verify', slot, result: 'success', remaining_after: MAX[slot], channel: src.channel, service: src.service, terminal: src.terminal }));
      let u = t + (2 + rnd() * 20) * DAY / 24;
      for (let left = MAX[slot] - 1; left >= 0; left -= 1) {
        u += (20 + rnd() * 120) * 1000;
        events.push(event(card.cardId, new Date(u), { operation: slot === 'sign' ? 'sign' : 'authenticate', slot, result: 'incorrect', remaining_after: left, channel: src.channel, service: src.service, terminal: src.terminal }));
      }
      reports.push(report(card.cardId, new Date(u + 15_000), src, 'PIN_LOCKED', { slot }));
      if (rnd() < 0.5) {
        u += (1 + rnd() * 20) * HOUR;
        events.push(event(card.cardId, new Date(u), { operation: 'authenticate', slot, result: 'refused', code: 'PIN_LOCKED', remaining_after: 0, channel: src.channel, service: src.service, terminal: src.terminal }));
      }
      const kiosk = rnd() < 0.3;
      u += (1 + rnd() * 5) * DAY;
      events.push(
        event(card.cardId, new Date(u), {
          operation: kiosk ? 'kiosk_reset' : 'counter_reset',
          slot,
          result: kiosk ? 'success' : 'done',
          remaining_after: MAX[slot],
          channel: kiosk ? 'kiosk' : 'counter',
          service: kiosk ? 'jpki-pin-reset' : 'counter',
          terminal: kiosk ? 'store-0001-MMK1' : null,
          actor: kiosk ? 'holder' : 'demo-clerk',
          detail: JSON.stringify({ demo: true }),
        }),
      );
      t = u + (2 + rnd() * 6) * DAY;
    } else if (roll < 0.6) {
      // One wrong PIN with tries left: the old app shows it as a lock.
      events.push(event(card.cardId, at, { operation: 'authenticate', slot: 'auth', result: 'incorrect', remaining_after: 2, channel: 'smartphone', service: 'mynaportal' }));
      reports.push(report(card.cardId, new Date(t + 10_000), seedApp, 'PIN_LOCKED', { slot: 'auth' }));
      events.push(event(card.cardId, new Date(t + 5 * MINUTE), { operation: 'authenticate', slot: 'auth', result: 'success', remaining_after: 3, channel: 'smartphone', service: 'mynaportal' }));
      t += (2 + rnd() * 5) * DAY;
    } else if (roll < 0.85) {
      // Nothing reached the card: the old app's failed NFC read, shown as "locked".
      reports.push(report(card.cardId, at, seedApp, 'PIN_LOCKED', { client_cause: rnd() < 0.6 ? 'nfc_read_failed' : null }));
      t += (1 + rnd() * 4) * DAY;
    } else {
      // A security hold on online use (issue 13's operations): refused while it lasts, released after review.
      events.push(event(card.cardId, at, { operation: 'risk_hold', result: 'held', code: 'RISK_HOLD', channel: src.channel, service: src.service, detail: JSON.stringify({ rule: 'many-failures-many-sources', demo: true }) }));
      events.push(event(card.cardId, new Date(t + 40 * MINUTE), { operation: 'authenticate', slot: 'auth', result: 'refused', code: 'RISK_HOLD', remaining_after: 3, channel: src.channel, service: src.service, terminal: src.terminal }));
      reports.push(report(card.cardId, new Date(t + 40 * MINUTE + 10_000), src, 'RISK_HOLD', { slot: 'auth' }));
      events.push(event(card.cardId, new Date(t + 20 * HOUR), { operation: 'risk_release', result: 'released', channel: 'counter', actor: 'demo-clerk' }));
      t += (3 + rnd() * 6) * DAY;
    }
  }
}

/** The seed story: MynaPocket 1.4.2 showed "locked" again and again since 2026-02-01; the card never locked. */
function seedStory(cardId: string, now: Date, events: EventRow[], reports: ReportRow[]) {
  const first = new Date('2026-02-01T01:12:00Z');
  const since = now.getTime() - first.getTime() > 60 * DAY ? first.getTime() : now.getTime() - 55 * DAY;
  const times = [since, since + 16 * DAY + 3 * HOUR, now.getTime() - 40 * DAY, now.getTime() - 26 * DAY, now.getTime() - 12 * DAY, now.getTime() - 3 * DAY].filter((x, i, xs) => i === 0 || x > xs[i - 1]!);
  const src = { channel: 'smartphone', service: 'mynaportal', terminal: null, ...SEED_APP };
  for (const [i, at] of times.entries()) {
    reports.push(report(cardId, new Date(at), src, 'PIN_LOCKED', { client_cause: i % 2 === 0 ? 'nfc_read_failed' : null, detail: JSON.stringify({ screen: 'login' }) }));
  }
  // Meanwhile the same PIN worked every time it reached the card (the portal on a PC).
  for (const days of [50, 33, 20, 8]) {
    events.push(event(cardId, new Date(now.getTime() - days * DAY), { operation: 'authenticate', slot: 'auth', result: 'success', remaining_after: 3, channel: 'pc', service: 'portal' }));
  }
}

/** Two days of our own trouble: clients showed SERVICE_BUSY / SERVICE_UNAVAILABLE (never a lock). */
function outageDays(cards: readonly BackgroundCard[], now: Date, rnd: () => number, reports: ReportRow[]) {
  for (const [daysAgo, count] of [[21, 14], [9, 8]] as const) {
    const start = now.getTime() - daysAgo * DAY + 2 * HOUR;
    for (let i = 0; i < count; i += 1) {
      const src = SOURCES[i % SOURCES.length]!;
      const card = rnd() < 0.8 ? cards[Math.floor(rnd() * cards.length)]!.cardId : null;
      reports.push(report(card, new Date(start + i * 7 * MINUTE), src, i % 3 === 0 ? 'SERVICE_UNAVAILABLE' : 'SERVICE_BUSY'));
    }
  }
}

/** Seeds the incident history once, on a fresh demo database. */
export async function seedDemoIncidents(deps: CounterDeps, db: Db, now: Date, storyCardId: string | null, municipalities: readonly string[]): Promise<void> {
  const background = await issueBackgroundCards(deps, now, municipalities);
  const rnd = random(20260201);
  const events: EventRow[] = [];
  const reports: ReportRow[] = [];
  for (const card of background) cardHistory(card, now, rnd, events, reports);
  if (storyCardId) seedStory(storyCardId, now, events, reports);
  outageDays(background, now, rnd, reports);
  // In time order, so event ids follow time as they do for live events (the event list is by id).
  events.sort((a, b) => a.occurred_at.getTime() - b.occurred_at.getTime());
  reports.sort((a, b) => a.received_at.getTime() - b.received_at.getTime());
  for (let i = 0; i < events.length; i += 1000) await db.insertInto('card_events').values(events.slice(i, i + 1000)).execute();
  for (let i = 0; i < reports.length; i += 1000) await db.insertInto('client_reports').values(reports.slice(i, i + 1000)).execute();
}
