import { CARD_ATR_HEX } from '../../domain/apdu/jpki-layout.js';
import { DEFAULT_BLOCKED_SW, type BlockedStatusWord } from '../../domain/apdu/status-words.js';
import { fail, ok, type Outcome } from '../outcome.js';
import type { CardAccess } from '../pin-attempt.js';
import type { ReaderDeps, ReaderSession } from './reader-ports.js';
import { POWERED_UP } from './virtual-card.js';

export type OpenedReaderSession = Readonly<{
  sessionId: string;
  atr: string;
  keyAlgorithm: string;
  blockedStatusWord: BlockedStatusWord;
  idleSeconds: number;
}>;

/** The card enters the reader's field: a new card session with nothing selected and nothing verified. */
export async function openReaderSession(
  deps: ReaderDeps,
  input: CardAccess & { terminal: string; blockedStatusWord?: BlockedStatusWord },
): Promise<Outcome<OpenedReaderSession>> {
  const card = await deps.cards.findCardByKey(input.cardId, deps.secrets.hashCardKey(input.cardKey));
  if (!card) return fail('CARD_REJECTED');
  const now = deps.clock();
  const session: ReaderSession = {
    id: deps.secrets.newId(),
    cardId: card.id,
    terminal: input.terminal,
    blockedStatusWord: input.blockedStatusWord ?? DEFAULT_BLOCKED_SW,
    state: POWERED_UP,
    openedAt: now,
    lastSeenAt: now,
    closedAt: null,
  };
  await deps.readerSessions.insert(session);
  return ok({ sessionId: session.id, atr: CARD_ATR_HEX, keyAlgorithm: card.keyAlgorithm, blockedStatusWord: session.blockedStatusWord, idleSeconds: deps.readerIdleSeconds });
}

/** The session if it is this card's, the key is right and the card is still in the reader. */
export async function liveSession(deps: ReaderDeps, input: CardAccess & { sessionId: string }): Promise<Outcome<ReaderSession>> {
  const card = await deps.cards.findCardByKey(input.cardId, deps.secrets.hashCardKey(input.cardKey));
  if (!card) return fail('CARD_REJECTED');
  const session = await deps.readerSessions.find(input.sessionId);
  if (!session || session.cardId !== card.id || session.closedAt) return fail('NOT_FOUND', { resource: 'reader-session' });
  return ok(session);
}

/** Power off, power on or warm reset (vpcd 00/01/02): selection and security state are gone, like a real chip's RAM. */
export async function resetReaderSession(deps: ReaderDeps, input: CardAccess & { sessionId: string }): Promise<Outcome<{ sessionId: string }>> {
  const found = await liveSession(deps, input);
  if (!found.ok) return found;
  await deps.readerSessions.save(found.value.id, POWERED_UP, deps.clock());
  return ok({ sessionId: found.value.id });
}

/** The card leaves the field: the session ends, and with it the security state. */
export async function closeReaderSession(deps: ReaderDeps, input: CardAccess & { sessionId: string }): Promise<Outcome<{ sessionId: string }>> {
  const found = await liveSession(deps, input);
  if (!found.ok) return found;
  await deps.readerSessions.close(found.value.id, deps.clock());
  return ok({ sessionId: found.value.id });
}
