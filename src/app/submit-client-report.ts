import type { ClientCause, ShownCode } from '../domain/client-report.js';
import type { PinSlot } from '../domain/pin-slot.js';
import type { ClientReportStore, ReportLimits, ReportSource } from './client-report-ports.js';
import type { AppDeps } from './ports.js';
import { fail, ok, type Outcome } from './outcome.js';

export type ClientReportInput = Readonly<{
  /** The card the refusal was about; required with a card key, known from a holder token, optional for a relying party. */
  cardId: string | null;
  shownCode: ShownCode;
  app: string;
  appVersion: string;
  channel: string | null;
  service: string | null;
  terminal: string | null;
  slot: PinSlot | null;
  clientCause: ClientCause | null;
  detail: Readonly<Record<string, unknown>> | null;
}>;

export type ClientReportDeps = Pick<AppDeps, 'clock'> & Readonly<{ clientReports: ClientReportStore; clientReportLimits: ReportLimits }>;

/**
 * Stores what a client showed a person (issue 11). It touches no slot and records no card event: a report is the
 * client's account, set beside the record, never a change to it. Over the limits it answers
 * CLIENT_REPORT_RATE_LIMITED with the window, so a client knows when to send again.
 */
export async function submitClientReport(deps: ClientReportDeps, source: ReportSource, input: ClientReportInput): Promise<Outcome<{ received: true }>> {
  const outcome = await deps.clientReports.insertWithinLimits({ ...input, receivedAt: deps.clock(), source }, deps.clientReportLimits);
  if (outcome === 'stored') return ok({ received: true });
  return fail('CLIENT_REPORT_RATE_LIMITED', { limit: outcome === 'card_limit' ? 'card' : 'source', retryAfterSeconds: Math.ceil(deps.clientReportLimits.windowMs / 1000) });
}
