import type { BlockedStatusWord } from '../../domain/apdu/status-words.js';
import type { AppDeps } from '../ports.js';
import type { ReaderState } from './virtual-card.js';

/** A card in a reader: one insertion, from the reader's connect to its removal. */
export type ReaderSession = Readonly<{
  id: string;
  cardId: string;
  /** The reader, recorded as the terminal of every PIN entry made through it. */
  terminal: string;
  blockedStatusWord: BlockedStatusWord;
  state: ReaderState;
  openedAt: Date;
  lastSeenAt: Date;
  closedAt: Date | null;
}>;

export interface ReaderSessionStore {
  insert(session: ReaderSession): Promise<void>;
  find(id: string): Promise<ReaderSession | null>;
  /** Saves the state after a command; `lastSeenAt` starts the idle clock again. */
  save(id: string, state: ReaderState, lastSeenAt: Date): Promise<void>;
  close(id: string, now: Date): Promise<void>;
}

export type ReaderDeps = AppDeps &
  Readonly<{
    readerSessions: ReaderSessionStore;
    /** The security state is dropped after this long without a command (a card left on the reader). */
    readerIdleSeconds: number;
  }>;
