import type { ClientCause, ReportClass, ShownCode } from '../domain/client-report.js';
import type { PinSlot } from '../domain/pin-slot.js';

// Ports for client reports (issue 11): what a client showed a person when it refused them, stored beside the card's
// events and never joined into a PIN entry.

/** Who sent a report: the card itself (its key), the holder's access token at a service, or a relying party. */
export type ReportSource = Readonly<{ kind: 'card_key' | 'holder_token' | 'relying_party'; id: string }>;

export type NewClientReport = Readonly<{
  cardId: string | null;
  receivedAt: Date;
  shownCode: ShownCode;
  app: string;
  appVersion: string;
  channel: string | null;
  service: string | null;
  terminal: string | null;
  slot: PinSlot | null;
  clientCause: ClientCause | null;
  source: ReportSource;
  detail: Readonly<Record<string, unknown>> | null;
}>;

export type StoredClientReport = Omit<NewClientReport, 'source' | 'detail'> & Readonly<{ id: number }>;

/** Reports accepted per window; the window is a sliding one over the stored reports (it holds across nodes). */
export type ReportLimits = Readonly<{ perCard: number; perSource: number; windowMs: number }>;

export const REPORT_LIMITS: ReportLimits = { perCard: 20, perSource: 6000, windowMs: 3_600_000 };

export type RateRow = Readonly<{ app: string; appVersion: string } & Record<ReportClass, number>>;

export const LOCK_CAUSES = ['real_lock', 'client_mismatch', 'certificate', 'risk_hold', 'outage'] as const;
export type LockCause = (typeof LOCK_CAUSES)[number];

export type IncidentRow = Readonly<{ day: string; cause: LockCause; service: string | null; channel: string | null; count: number }>;
export type UnlockRow = Readonly<{ day: string; channel: string | null; municipalityCode: string; count: number }>;

export type DashboardRange = Readonly<{ from: Date; to: Date; municipalityCode: string | null }>;

export interface ClientReportStore {
  /**
   * Stores the report unless the card or the source already sent `limits` reports within the window; one statement,
   * so concurrent reports may pass the limit by the few that race, never by more.
   */
  insertWithinLimits(report: NewClientReport, limits: ReportLimits): Promise<'stored' | 'card_limit' | 'source_limit'>;
  /** Newest first. */
  listForCard(cardId: string, limit: number): Promise<StoredClientReport[]>;
  /** Each report in the range with its class, as the SQL rule finds it (for checks and drill-down). */
  classified(range: DashboardRange): Promise<Array<{ id: number; class: ReportClass }>>;
  ratesByApp(range: DashboardRange): Promise<RateRow[]>;
  incidents(range: DashboardRange): Promise<IncidentRow[]>;
  unlocks(range: DashboardRange): Promise<UnlockRow[]>;
}
