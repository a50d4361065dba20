// Every client we ship tells Kagiya what it showed a person when it refused them (POST /api/v1/client-reports,
// issue 11), so the counter and the holder can set it beside the card's record. Sent after the page is answered,
// never awaited by it, with a short timeout: a report that fails is lost, never the person's page.

import { ERROR_CODES } from '../../src/domain/errors.js';
import type { Refusal } from './refusal.js';

export type ReportCredential =
  | Readonly<{ kind: 'card'; cardId: string; cardKey: string }>
  | Readonly<{ kind: 'bearer'; token: string; cardId?: string | null }>;

export type ReporterOptions = Readonly<{ kagiyaUrl: string; app: string; appVersion: string; channel: string; service: string; terminal?: string; fetch?: typeof fetch }>;

/** Refusals about the service's own form or session say nothing about a card: not reported. */
const NOT_ABOUT_THE_CARD = new Set(['LOGIN_REQUIRED', 'FORM_INVALID', 'SESSION_EXPIRED', 'NOT_FOUND']);
/** The service's own codes for our outage (Kagiya or the status service out of reach). */
const OUR_OUTAGE = new Set(['KAGIYA_UNREACHABLE', 'CERT_STATUS_UNAVAILABLE']);

/** The code the person was shown, in Kagiya's terms: one of its codes, our outage, or OTHER with the service's own code. */
export function shownCodeOf(r: Refusal): { shownCode: string; detail: Record<string, string> | null } {
  if (r.fallback) return { shownCode: 'OTHER', detail: { kagiyaCode: String(r.details.kagiyaCode ?? r.code).slice(0, 64) } };
  if ((ERROR_CODES as readonly string[]).includes(r.code)) return { shownCode: r.code, detail: null };
  if (OUR_OUTAGE.has(r.code)) return { shownCode: 'SERVICE_UNAVAILABLE', detail: { appCode: r.code } };
  return { shownCode: 'OTHER', detail: { appCode: r.code } };
}

export function createRefusalReporter(options: ReporterOptions) {
  const doFetch = options.fetch ?? fetch;
  return {
    /** Sends the report in the background; resolves when it is done (tests wait for it, pages never do). */
    report(refusal: Refusal, credential: ReportCredential | null, extra: { slot?: string | null } = {}): Promise<void> {
      if (!credential || NOT_ABOUT_THE_CARD.has(refusal.code)) return Promise.resolve();
      const { shownCode, detail } = shownCodeOf(refusal);
      const slot = extra.slot ?? (typeof refusal.details.slot === 'string' ? refusal.details.slot : null);
      const body = {
        ...(credential.kind === 'card' ? { cardId: credential.cardId } : credential.cardId ? { cardId: credential.cardId } : {}),
        shownCode,
        app: options.app,
        appVersion: options.appVersion,
        channel: options.channel,
        service: options.service,
        ...(options.terminal ? { terminal: options.terminal } : {}),
        ...(slot ? { slot } : {}),
        ...(detail ? { detail } : {}),
      };
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (credential.kind === 'card') headers['x-card-key'] = credential.cardKey;
      else headers.authorization = `Bearer ${credential.token}`;
      return doFetch(new URL('/api/v1/client-reports', options.kagiyaUrl), { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(3_000) })
        .then((r) => r.body?.cancel())
        .catch(() => undefined);
    },
  };
}

export type RefusalReporter = ReturnType<typeof createRefusalReporter>;
