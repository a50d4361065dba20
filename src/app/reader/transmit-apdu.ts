import type { Text, TraceEntry } from '../../domain/apdu/apdu-trace.js';
import { JPKI_TOKEN } from '../../domain/apdu/jpki-layout.js';
import { attributesFile, myNumberFile } from '../../domain/apdu/ber.js';
import { loadHolder } from '../load-holder.js';
import { fail, ok, type Outcome } from '../outcome.js';
import { attemptPin, type CardAccess } from '../pin-attempt.js';
import type { CardOverview, EventContext } from '../ports.js';
import { runCommand } from './jpki-card.js';
import type { ReaderDeps, ReaderSession } from './reader-ports.js';
import { liveSession } from './reader-session.js';
import type { VerifyResult, VirtualCardPort } from './virtual-card.js';

export type ApduExchange = Readonly<{ response: Uint8Array; trace: TraceEntry; notes: readonly Text[] }>;

/**
 * One command APDU from the reader to the card Kagiya keeps. The security state is read and written here, in
 * Kagiya, bound to the card and this reader session; the reader holds nothing but the bytes in transit.
 */
export async function transmitApdu(deps: ReaderDeps, input: CardAccess & { sessionId: string; command: Uint8Array }): Promise<Outcome<ApduExchange>> {
  const found = await liveSession(deps, input);
  if (!found.ok) return found;
  const session = found.value;
  const overview = await deps.cards.overview(session.cardId);
  if (!overview) return fail('CARD_REJECTED');

  const now = deps.clock();
  const notes: Text[] = [];
  let state = session.state;
  if (state.verified.length > 0 && now.getTime() - session.lastSeenAt.getTime() > deps.readerIdleSeconds * 1000) {
    state = { ...state, verified: [] };
    notes.push({
      ja: `${deps.readerIdleSeconds}秒以上コマンドがなかったため、照合済みの暗証番号(セキュリティ状態)を消去しました。`,
      en: `No command for over ${deps.readerIdleSeconds} s: the verified PINs (security state) were cleared.`,
    });
  }
  const card = bindCard(deps, input, session, overview, notes);
  const answer = await runCommand(card, state, input.command, { blockedStatusWord: session.blockedStatusWord, idleSeconds: deps.readerIdleSeconds });
  await deps.readerSessions.save(session.id, answer.state, deps.clock());
  return ok({ response: answer.response, trace: answer.trace, notes });
}

function bindCard(deps: ReaderDeps, access: CardAccess, session: ReaderSession, overview: CardOverview, notes: Text[]): VirtualCardPort {
  const context: EventContext = { channel: 'ic-reader', service: null, terminal: session.terminal, actor: null };
  const cardId = session.cardId;
  return {
    hasSlot: (slot) => overview.slots[slot] !== undefined,
    async triesLeft(slot) {
      // Read, never spent (DOMAIN.md §1: the card's empty VERIFY).
      return overview.slots[slot]?.remaining ?? null;
    },
    async verify(slot, pin): Promise<VerifyResult> {
      // Card semantics (issue #11): a card cannot ask "use the last try?", so the reader never holds an entry back;
      // the online channels do. The trace says so whenever the last try is at stake.
      if (overview.slots[slot]?.remaining === 1) {
        notes.push({
          ja: 'この暗証番号の残りは1回です。カードは確認を求めないため、カードと同じく、そのまま照合しました(オンラインの窓口では確認を求めます)。',
          en: 'This PIN had one try left. A card cannot ask for confirmation, so, like a card, the reader checked the entry as it came (online channels ask first).',
        });
      }
      const outcome = await attemptPin(deps, { cardId, cardKey: access.cardKey, slot, pin, operation: 'verify', context, confirmLastTry: true });
      if (outcome.ok) return { kind: 'ok' };
      if (outcome.code === 'PIN_INCORRECT') return { kind: 'incorrect', remaining: Number(outcome.details.remaining ?? 0) };
      if (outcome.code === 'PIN_LOCKED') return outcome.details.lockedNow ? { kind: 'locked-now' } : { kind: 'locked' };
      return { kind: 'refused', code: outcome.code };
    },
    async fileContent(ef) {
      switch (ef.kind) {
        case 'certificate':
          return (await deps.cards.certificateKey(cardId, ef.cert))?.der ?? null;
        case 'ca-certificate':
          return deps.pki.caCertificate(ef.cert);
        case 'token':
          return new TextEncoder().encode(JPKI_TOKEN);
        case 'my-number':
        case 'attributes': {
          const holder = await loadHolder(deps.vault, deps.residents, overview.card.residentId);
          if (!holder) return null;
          return ef.kind === 'my-number' ? myNumberFile(holder.myNumber) : attributesFile(holder.resident);
        }
        default:
          return null;
      }
    },
    async sign(cert, data) {
      const key = await deps.cards.certificateKey(cardId, cert);
      if (!key) return { kind: 'absent' };
      if (key.algorithm !== 'RSA-2048') return { kind: 'not-rsa', algorithm: key.algorithm };
      const signature = await deps.pki.signPkcs1(key, data);
      await deps.cards.recordEvent({ cardId, occurredAt: deps.clock(), operation: 'reader-sign', slot: cert, result: 'done', code: null, context });
      return { kind: 'ok', signature };
    },
  };
}
