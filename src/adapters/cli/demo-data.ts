import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sql } from 'kysely';
import { moveResident } from '../../app/move-resident.js';
import { createResident, type NewResident } from '../../app/create-resident.js';
import { issueCard } from '../../app/issue-card.js';
import { suspendCard } from '../../app/change-card-status.js';
import { verifyPin } from '../../app/verify-pin.js';
import { evaluateServiceFlags } from '../../app/risk-detection.js';
import type { AppDeps, CardKeyAlgorithm, EventContext } from '../../app/ports.js';
import type { Actor, StaffRole } from '../../domain/actor.js';
import { SEEDED_POLICIES } from '../../domain/municipal-policy.js';
import type { CounterDeps } from '../../app/counter-ports.js';
import { createStaff } from '../../app/create-staff.js';
import { seedMunicipalPolicy } from '../../app/municipal-policies.js';
import { completeMyNumber } from '../../domain/my-number.js';
import type { PinSlot } from '../../domain/pin-slot.js';
import type { Db } from '../db/create-db.js';
import type { createTokenStore } from '../db/token-store.js';
import { seedDemoIncidents } from './demo-incidents.js';

export const DEMO_MUNICIPALITIES = [
  { code: '111007', nameJa: 'さいたま市', nameEn: 'Saitama City', prefectureJa: '埼玉県' },
  { code: '141003', nameJa: '横浜市', nameEn: 'Yokohama City', prefectureJa: '神奈川県' },
  { code: '141305', nameJa: '川崎市', nameEn: 'Kawasaki City', prefectureJa: '神奈川県' },
  { code: '112151', nameJa: '狭山市', nameEn: 'Sayama City', prefectureJa: '埼玉県' },
  { code: '131016', nameJa: '千代田区', nameEn: 'Chiyoda City', prefectureJa: '東京都' },
] as const;

export type DemoCard = Readonly<{
  story: string;
  storyEn: string;
  name: string;
  cardId: string;
  cardKey: string;
  pins: Readonly<Partial<Record<PinSlot, string>>>;
  keyAlgorithm?: CardKeyAlgorithm;
}>;
export type DemoStaff = Readonly<{ loginId: string; name: string; role: StaffRole; municipalityCode: string | null; password: string; totpSecret: string }>;
export type DemoManifest = Readonly<{
  /** DEMO_VERSION the cards were issued under, and the origin their certificates name (AIA, CRLDP). */
  version?: number;
  publicUrl?: string;
  cards: DemoCard[];
  staffTokens: { label: string; token: string }[];
  staff: DemoStaff[];
  /** Bearer tokens of the role relying_party: the demo services read the signing certificates' status with them. */
  relyingParties?: { service: string; label: string; token: string }[];
}>;

// 2: certificates name their OCSP responder, issuing CA and CRL (AIA, CRLDP). Demo cards of an older version, or
// issued for another origin, are re-issued at start so that every demo certificate can be checked from outside.
const DEMO_VERSION = 2;

const DAY = 86_400_000;
const demoActor: Actor = { id: 'demo-seed', label: 'demo seed', role: 'national_admin', municipalityCode: null };
const none: EventContext = { channel: null, service: null, terminal: null, actor: null };
const PINS = { auth: '4831', sign: 'KAGIYA2468', assist: '7392', juki: '5068' } as const;

type Case = Readonly<{
  story: string;
  storyEn: string;
  resident: Omit<NewResident, 'myNumber'>;
  myNumber11: string;
  /** Issue this many days ago (default: 30). */
  issuedDaysAgo?: number;
  after?: (deps: AppDeps, card: { cardId: string; cardKey: string }, residentId: string) => Promise<void>;
  /** The card's key algorithm when it is not the server default (the reader demo needs RSA-2048). */
  keyAlgorithm?: CardKeyAlgorithm;
}>;

async function wrong(deps: AppDeps, card: { cardId: string; cardKey: string }, slot: PinSlot, times: number, context: EventContext) {
  // The demo holders confirmed their last try when asked (issue #11, last-try guard): a demo lock is a real lock.
  for (let i = 0; i < times; i += 1) await verifyPin(deps, { ...card, slot, pin: slot === 'sign' ? 'WRONG999' : '0000', context, confirmLastTry: true });
}

function isoDaysAgo(now: Date, days: number) {
  return new Date(now.getTime() - days * DAY).toISOString().slice(0, 10);
}

function cases(now: Date): Case[] {
  // A birthday 30 days after an issuance 5 years and 60 days ago: its 5th birthday after issuance has passed.
  const expiredIssue = new Date(now.getTime() - (5 * 365 + 60) * DAY);
  const expiredBirth = `1975-${isoDaysAgo(expiredIssue, -30).slice(5)}`.replace('-02-29', '-02-28');
  return [
    {
      story: '健全なカード（ロックなし、失敗なし）',
      storyEn: 'healthy card: nothing locked, no failures',
      resident: { municipalityCode: '111007', name: '山田 太郎', nameKana: 'ヤマダ タロウ', birthDate: '1980-05-14', sex: 'male', address: '埼玉県さいたま市浦和区常盤6丁目4番4号' },
      myNumber11: '12345678901',
      after: async (deps, card) => {
        await verifyPin(deps, { ...card, slot: 'auth', pin: PINS.auth, context: { channel: 'pc', service: 'mynaportal', terminal: null, actor: null } });
      },
    },
    {
      story: '利用者証明用がロック（スマホのe-Taxで3回失敗）',
      storyEn: 'auth locked: 3 failures through the smartphone app (e-Tax)',
      resident: { municipalityCode: '111007', name: '佐藤 花子', nameKana: 'サトウ ハナコ', birthDate: '1972-11-03', sex: 'female', address: '埼玉県さいたま市大宮区吉敷町1丁目124番地1' },
      myNumber11: '23456789012',
      after: (deps, card) => wrong(deps, card, 'auth', 3, { channel: 'smartphone', service: 'e-tax', terminal: 'iPhone app', actor: null }),
    },
    {
      story: '利用者証明用の残り1回（コンビニで2回失敗）',
      storyEn: 'auth has one try left: 2 failures at a convenience-store kiosk',
      resident: { municipalityCode: '141003', name: '鈴木 一郎', nameKana: 'スズキ イチロウ', birthDate: '1965-02-21', sex: 'male', address: '神奈川県横浜市中区本町6丁目50番地の10' },
      myNumber11: '34567890123',
      after: (deps, card) => wrong(deps, card, 'auth', 2, { channel: 'kiosk', service: 'konbini-certificates', terminal: 'store 0421 MMK', actor: null }),
    },
    {
      story: '転居で署名用電子証明書が失効（利用者証明用は有効）',
      storyEn: 'signing certificate revoked after a move (auth certificate still valid)',
      resident: { municipalityCode: '141305', name: '高橋 美咲', nameKana: 'タカハシ ミサキ', birthDate: '1990-08-08', sex: 'female', address: '神奈川県川崎市川崎区宮本町1番地' },
      myNumber11: '45678901234',
      after: async (deps, _card, residentId) => {
        await moveResident(deps, demoActor, { residentId, address: '神奈川県川崎市中原区小杉町3丁目245番地', municipalityCode: '141305' }, { ...none, channel: 'counter' });
      },
    },
    {
      story: '電子証明書の有効期限切れ（カードは有効）',
      storyEn: 'certificates expired (the card itself still valid)',
      resident: { municipalityCode: '112151', name: '田中 健', nameKana: 'タナカ ケン', birthDate: expiredBirth, sex: 'male', address: '埼玉県狭山市入間川1丁目23番5号' },
      myNumber11: '56789012345',
      issuedDaysAgo: Math.round((now.getTime() - expiredIssue.getTime()) / DAY),
    },
    {
      story: '紛失届で一時停止中',
      storyEn: 'suspended after a loss report',
      resident: { municipalityCode: '131016', name: '伊藤 さくら', nameKana: 'イトウ サクラ', birthDate: '1985-04-01', sex: 'female', address: '東京都千代田区九段南1丁目2番1号' },
      myNumber11: '67890123456',
      after: async (deps, card) => {
        await suspendCard(deps, demoActor, { cardId: card.cardId, reason: 'loss reported by phone' }, { ...none, channel: 'other', service: 'call-center' });
      },
    },
    {
      story: '15歳未満（署名用電子証明書なし）',
      storyEn: 'under 15: no signing certificate',
      resident: { municipalityCode: '131016', name: '伊藤 蓮', nameKana: 'イトウ レン', birthDate: '2016-07-20', sex: 'male', address: '東京都千代田区九段南1丁目2番1号' },
      myNumber11: '78901234567',
    },
    {
      story: 'アプリが何度も「ロック」と表示したが、カードは一度もロックされていない（シードの話）',
      storyEn: 'an app showed "locked" again and again since 2026-02-01; the card was never locked (the seed story)',
      resident: { municipalityCode: '111007', name: '小林 誠', nameKana: 'コバヤシ マコト', birthDate: '1978-09-30', sex: 'male', address: '埼玉県さいたま市南区別所7丁目20番1号' },
      myNumber11: '91234567890',
      issuedDaysAgo: 400,
    },
    {
      story: 'セキュリティ上の保留中（3か所の接続元から暗証番号の誤り。ロックではありません）',
      storyEn: 'on a risk hold: wrong PINs from 3 different network sources (not a lock)',
      resident: { municipalityCode: '111007', name: '木村 直樹', nameKana: 'キムラ ナオキ', birthDate: '1979-06-18', sex: 'male', address: '埼玉県さいたま市浦和区高砂3丁目15番1号' },
      myNumber11: '90123456789',
      // One wrong entry on each of three slots, each from another address: the card rule (domain/risk.ts) holds it.
      after: async (deps, card) => {
        const from = (address: string, service: string) => ({ channel: 'pc', service, terminal: null, actor: null, address });
        await wrong(deps, card, 'auth', 1, from('198.51.100.23', 'mynaportal'));
        await wrong(deps, card, 'sign', 1, from('203.0.113.77', 'e-tax'));
        await wrong(deps, card, 'assist', 1, from('192.0.2.140', 'mynaportal'));
      },
    },
    {
      story: '医療機関の端末が誤りを繰り返す（サービスとして全国管理者に通知済み、カードは正常）',
      storyEn: "a clinic's terminal keeps failing (flagged to the national admin as a service; the card is fine)",
      resident: { municipalityCode: '141003', name: '渡辺 由美', nameKana: 'ワタナベ ユミ', birthDate: '1958-03-12', sex: 'female', address: '神奈川県横浜市西区みなとみらい2丁目3番5号' },
      myNumber11: '01234567890',
      // The clinic's terminal tries 0000 twice before the patient types the right PIN, seven visits over: 21 entries,
      // 14 failures. The card ends healthy; the service's failure rate is what stands out (flagged at the seed's end).
      after: async (deps, card) => {
        const clinic = { channel: 'clinic', service: 'clinic-minatomirai', terminal: 'reception 1', actor: null };
        for (let visit = 0; visit < 7; visit += 1) {
          await wrong(deps, card, 'auth', 2, clinic);
          await verifyPin(deps, { ...card, slot: 'auth', pin: PINS.auth, context: clinic });
        }
      },
    },
    {
      story: 'ICカードリーダー用（RSA-2048鍵、実物のカードと同じ）: npx kagiya reader で使えます',
      storyEn: 'for a card reader (RSA-2048 keys like the real card): use it with npx kagiya reader',
      resident: { municipalityCode: '111007', name: '中村 葵', nameKana: 'ナカムラ アオイ', birthDate: '1985-11-22', sex: 'female', address: '埼玉県さいたま市大宮区桜木町1丁目7番5号' },
      myNumber11: '89012345678',
      keyAlgorithm: 'RSA-2048',
    },
  ];
}

/** The municipalities Kagiya ships with (reference data, seeded on every start, never duplicated). */
export async function seedMunicipalities(db: Db, now: Date): Promise<void> {
  for (const m of DEMO_MUNICIPALITIES) {
    await db
      .insertInto('municipalities')
      .values({ code: m.code, name_ja: m.nameJa, name_en: m.nameEn, prefecture_ja: m.prefectureJa, created_at: now })
      .onConflict((oc) => oc.column('code').doNothing())
      .execute();
  }
}

/** Municipalities and their initial policies: reference data, seeded on every start, never duplicated. */
export async function seedReferenceData(deps: CounterDeps, db: Db): Promise<void> {
  await seedMunicipalities(db, deps.clock());
  for (const policy of Object.values(SEEDED_POLICIES)) await seedMunicipalPolicy(deps, policy);
}

const DEMO_STAFF_PASSWORD = 'kagiya-demo-2026';
const DEMO_STAFF: ReadonlyArray<{ loginId: string; name: string; role: StaffRole; municipalityCode: string | null }> = [
  { loginId: 'clerk.saitama', name: '浦和 窓口（さいたま市）', role: 'clerk', municipalityCode: '111007' },
  { loginId: 'admin.saitama', name: '大宮 管理者（さいたま市）', role: 'municipal_admin', municipalityCode: '111007' },
  { loginId: 'clerk.yokohama', name: '中 窓口（横浜市）', role: 'clerk', municipalityCode: '141003' },
  { loginId: 'clerk.kawasaki', name: '宮本 窓口（川崎市）', role: 'clerk', municipalityCode: '141305' },
  { loginId: 'clerk.sayama', name: '入間川 窓口（狭山市）', role: 'clerk', municipalityCode: '112151' },
  { loginId: 'clerk.chiyoda', name: '九段 窓口（千代田区）', role: 'clerk', municipalityCode: '131016' },
  { loginId: 'admin', name: '全国 管理者', role: 'national_admin', municipalityCode: null },
  { loginId: 'auditor', name: '監査 担当', role: 'auditor', municipalityCode: null },
];

async function seedDemoStaff(deps: CounterDeps): Promise<DemoStaff[]> {
  const seeder: Actor = { id: 'demo-seed', label: 'demo seed', role: 'national_admin', municipalityCode: null };
  const staff: DemoStaff[] = [];
  for (const s of DEMO_STAFF) {
    const created = await createStaff(deps, seeder, { ...s, password: DEMO_STAFF_PASSWORD });
    if (!created.ok) throw new Error(`demo staff ${s.loginId}: ${created.code}`);
    staff.push({ ...s, password: DEMO_STAFF_PASSWORD, totpSecret: created.value.totpSecret });
  }
  return staff;
}

/** e-Tax verifies signatures, so it is registered to read the signing certificates' status (CRL, OCSP). */
async function seedRelyingParties(deps: AppDeps, tokens: ReturnType<typeof createTokenStore>, now: Date) {
  const label = 'e-Tax (demo relying service)';
  const token = await tokens.create({ id: deps.secrets.newId(), label, role: 'relying_party', municipalityCode: null, now });
  return [{ service: 'e-tax', label, token }];
}

function demoIssuedAt(c: Case, now: Date): Date {
  return new Date(now.getTime() - (c.issuedDaysAgo ?? 30) * DAY);
}

/** Issues one demo card (at the story's date) and plays the story's events on it. */
async function issueDemoCard(deps: AppDeps, c: Case, residentId: string, now: Date, dataDir: string): Promise<DemoCard> {
  const past: AppDeps = { ...deps, clock: () => demoIssuedAt(c, now) };
  const underFifteen = c.resident.birthDate > isoDaysAgo(now, 15 * 365.25);
  const pins = underFifteen ? { auth: PINS.auth, assist: PINS.assist, juki: PINS.juki } : { ...PINS };
  const input = { residentId, pins, ...(c.keyAlgorithm ? { keyAlgorithm: c.keyAlgorithm } : {}) };
  const card = await issueCard(past, demoActor, input, { ...none, channel: 'counter', service: 'card-issuance' });
  if (!card.ok) throw new Error(`demo card: ${card.code} ${JSON.stringify(card.details)}`);
  await c.after?.(deps, card.value, residentId);
  // The card file `kagiya reader --card-file` takes, as issuance returns it.
  if (c.keyAlgorithm === 'RSA-2048') writeFileSync(demoReaderCardPath(dataDir), JSON.stringify(card.value, null, 2), { mode: 0o600 });
  return { story: c.story, storyEn: c.storyEn, name: c.resident.name, ...card.value, pins, ...(c.keyAlgorithm ? { keyAlgorithm: c.keyAlgorithm } : {}) };
}

/**
 * Demo cards of an earlier version (certificates without AIA/CRLDP) or for another origin get a new card each, like
 * a reissue at the counter: the earlier card is revoked (superseded) and the story is played again on the new one.
 */
async function reissueDemoCards(deps: AppDeps, db: Db, cards: readonly DemoCard[], now: Date, dataDir: string): Promise<DemoCard[]> {
  const stories = cases(now);
  const result: DemoCard[] = [];
  for (const card of cards) {
    const c = stories.find((s) => s.storyEn === card.storyEn);
    const row = await db.selectFrom('cards').select('resident_id').where('id', '=', card.cardId).executeTakeFirst();
    if (!c || !row) {
      result.push(card);
      continue;
    }
    result.push(await issueDemoCard(deps, c, row.resident_id, now, dataDir));
  }
  return result;
}

/** Residents and cards in every interesting state, made through the real use cases, on a database without any. */
export async function seedDemoData(
  deps: CounterDeps,
  db: Db,
  tokens: ReturnType<typeof createTokenStore>,
  manifestFile: string,
  /** Kagiya's origin, named in the demo certificates. */
  publicUrl?: string,
): Promise<DemoManifest | null> {
  const now = deps.clock();
  await seedReferenceData(deps, db);
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from residents`.execute(db);
  if ((rows[0]?.n ?? 0) > 0) {
    if (!existsSync(manifestFile)) return null;
    const existing = JSON.parse(readFileSync(manifestFile, 'utf8')) as DemoManifest;
    if (existing.version === DEMO_VERSION && (publicUrl === undefined || existing.publicUrl === publicUrl)) return existing;
    const manifest: DemoManifest = {
      ...existing,
      version: DEMO_VERSION,
      ...(publicUrl ? { publicUrl } : {}),
      cards: await reissueDemoCards(deps, db, existing.cards, now, dirname(manifestFile)),
      relyingParties: existing.relyingParties ?? (await seedRelyingParties(deps, tokens, now)),
    };
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2), { mode: 0o600 });
    return manifest;
  }

  const cards: DemoCard[] = [];
  for (const c of cases(now)) {
    const at = demoIssuedAt(c, now);
    const resident = await createResident({ ...deps, clock: () => at }, demoActor, { ...c.resident, myNumber: completeMyNumber(c.myNumber11) });
    if (!resident.ok) throw new Error(`demo resident: ${resident.code}`);
    // Notifications go to this address (shown in the development mailbox; example.jp is reserved, nothing leaves).
    await db.updateTable('residents').set({ contact_email: `demo-resident-${cards.length + 1}@example.jp` }).where('id', '=', resident.value.id).execute();
    cards.push(await issueDemoCard(deps, c, resident.value.id, now, dirname(manifestFile)));
  }
  // The clinic story's failure rate is flagged now rather than at the first interval (README "Risk holds").
  await evaluateServiceFlags(deps);
  // About 60 days of incidents for the lock dashboard, and the seed story's client reports (issue 11).
  const story = cards.find((c) => c.storyEn.includes('the seed story'));
  await seedDemoIncidents(deps, db, now, story?.cardId ?? null, DEMO_MUNICIPALITIES.map((m) => m.code));
  const clerk = await tokens.create({ id: deps.secrets.newId(), label: 'さいたま市 窓口 (demo clerk)', role: 'clerk', municipalityCode: '111007', now });
  const staff = await seedDemoStaff(deps);
  const relyingParties = await seedRelyingParties(deps, tokens, now);
  const manifest: DemoManifest = {
    version: DEMO_VERSION,
    ...(publicUrl ? { publicUrl } : {}),
    cards,
    staffTokens: [{ label: 'さいたま市 clerk / 窓口職員', token: clerk }],
    staff,
    relyingParties,
  };
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2), { mode: 0o600 });
  return manifest;
}

export const demoManifestPath = (dataDir: string) => join(dataDir, 'demo-cards.json');
/** The RSA demo card's card file, for `npx kagiya reader --card-file`. */
export const demoReaderCardPath = (dataDir: string) => join(dataDir, 'demo-reader-card.json');

export type DemoCardNow = DemoCard &
  Readonly<{
    /** Where the holder is registered now (a move changes it), or null when the card is no longer in the database. */
    municipality: Readonly<{ code: string; nameJa: string; nameEn: string }> | null;
    status: string | null;
    /** A PIN was set, changed or re-set since seeding: the PINs in the manifest may no longer be right. */
    pinsChanged: boolean;
  }>;

/**
 * The demo cards as the database has them now, so the start banner never goes stale: the municipality each holder
 * belongs to (which clerk can find them), the card's status, and whether its PINs changed since seeding.
 */
export async function demoCardsNow(db: Db, manifest: DemoManifest): Promise<DemoCardNow[]> {
  const out: DemoCardNow[] = [];
  for (const card of manifest.cards) {
    const row = await db
      .selectFrom('cards')
      .innerJoin('residents', 'residents.id', 'cards.resident_id')
      .innerJoin('municipalities', 'municipalities.code', 'residents.municipality_code')
      .select(['cards.status', 'municipalities.code', 'municipalities.name_ja', 'municipalities.name_en'])
      .where('cards.id', '=', card.cardId)
      .executeTakeFirst();
    const changed = await db
      .selectFrom('card_events')
      .select('id')
      .where('card_id', '=', card.cardId)
      .where('operation', 'in', ['change_pin', 'pin_set', 'counter_reset', 'kiosk_reset'])
      .where('result', 'in', ['success', 'done'])
      .limit(1)
      .executeTakeFirst();
    out.push({
      ...card,
      municipality: row ? { code: row.code, nameJa: row.name_ja, nameEn: row.name_en } : null,
      status: row?.status ?? null,
      pinsChanged: changed !== undefined,
    });
  }
  return out;
}
