import type { CardHoldDecision, RiskRules, ServiceFigures, ServiceFlagDecision, SourceBlockDecision } from '../domain/risk.js';

// What risk detection needs from storage (adapters/db/risk-store.ts). Counting is the store's; deciding is the
// domain's (domain/risk.ts).

export type SourceBlock = Readonly<{
  sourceKey: string;
  rule: string;
  figures: Readonly<Record<string, unknown>>;
  blockedAt: Date;
  blockedUntil: Date;
  refused: number;
  liftedAt: Date | null;
  liftedBy: string | null;
}>;

export type RiskHold = Readonly<{
  id: string;
  cardId: string;
  rule: string;
  figures: Readonly<Record<string, unknown>>;
  heldAt: Date;
  releasedAt: Date | null;
  releasedBy: string | null;
  releaseKind: 'counter' | 'holder' | null;
  releaseReason: string | null;
}>;

export type ServiceFlag = Readonly<{
  id: string;
  service: string;
  rule: string;
  figures: Readonly<Record<string, unknown>>;
  flaggedAt: Date;
  updatedAt: Date;
  dismissedAt: Date | null;
  dismissedBy: string | null;
}>;

export interface RiskStore {
  /**
   * The figures the rules judge after a failed entry (a try spent, which the PIN statement recorded with its event),
   * that failure and every one committed meanwhile included: distinct cards failed from its source since
   * `sourceSince` (0 without a source), and distinct addresses (since `addressesSince`) and services (since
   * `servicesSince`) failed on its card.
   */
  failureFigures(input: {
    cardId: string;
    sourceKey: string | null;
    sourceSince: Date;
    addressesSince: Date;
    servicesSince: Date;
  }): Promise<{ sourceCards: number; addresses: number; services: number }>;
  /** The active block of this source, counting the refusal; null when it is not blocked. */
  refuseIfBlocked(sourceKey: string, now: Date): Promise<SourceBlock | null>;
  /** Blocks the source; false when it is already blocked (nothing changes). */
  blockSource(decision: SourceBlockDecision, now: Date): Promise<boolean>;
  liftBlock(sourceKey: string, by: string, now: Date): Promise<boolean>;
  listBlocks(since: Date): Promise<SourceBlock[]>;
  activeHold(cardId: string): Promise<RiskHold | null>;
  holds(cardId: string): Promise<RiskHold[]>;
  /** Places a hold; null when the card already has an active one. */
  placeHold(input: { id: string; cardId: string; decision: CardHoldDecision; now: Date }): Promise<RiskHold | null>;
  /** Releases the active hold; null when there was none. */
  releaseHold(input: { cardId: string; by: string; kind: 'counter' | 'holder'; reason: string | null; now: Date }): Promise<RiskHold | null>;
  /** Entries (successes and failures) and failures per relying service since `since`, over the newest `maxEvents` events. */
  serviceFigures(since: Date, maxEvents: number): Promise<ServiceFigures[]>;
  /** Opens a flag or refreshes the open one's figures; 'new' when it was not flagged yet. */
  upsertFlag(input: { id: string; decision: ServiceFlagDecision; now: Date }): Promise<'new' | 'updated'>;
  listFlags(options: { includeDismissed: boolean }): Promise<ServiceFlag[]>;
  dismissFlag(id: string, by: string, now: Date): Promise<ServiceFlag | null>;
  /** Forgets failure observations older than `before` (the longest window). */
  prune(before: Date): Promise<number>;
}

export type RiskDeps = Readonly<{ risk: RiskStore; riskRules: RiskRules }>;
