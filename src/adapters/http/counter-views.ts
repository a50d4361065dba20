import type { CardDiagnosis } from '../../app/diagnose-card.js';
import type { CardClientReports } from '../../app/client-report-views.js';
import { classifyReport } from '../../domain/client-report.js';
import type { CardEvent } from '../../app/ports.js';
import { riskRuleText } from '../../domain/risk-text.js';
import type { InquiryLetter, ProcedureRecord } from '../../app/counter-ports.js';
import type { Resident } from '../../app/ports.js';
import type { PinPadState } from '../../app/pin-pad.js';
import { allowedEvents } from '../../domain/procedure.js';

// JSON shapes of the counter API: dates as ISO strings, never a My Number in clear.

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function residentView(r: Resident) {
  return {
    id: r.id,
    municipalityCode: r.municipalityCode,
    name: r.name,
    nameKana: r.nameKana,
    birthDate: r.birthDate,
    sex: r.sex,
    address: r.address,
    myNumberMasked: r.myNumberMasked,
  };
}

export function letterView(l: InquiryLetter) {
  return {
    id: l.id,
    procedureId: l.procedureId,
    municipalityCode: l.municipalityCode,
    referenceNumber: l.referenceNumber,
    status: l.status,
    holderName: l.holderName,
    address: l.address,
    issuedAt: iso(l.issuedAt),
    deadline: iso(l.deadline),
    statusChangedAt: iso(l.statusChangedAt),
    pdfUrl: `/api/v1/counter/letters/${l.id}/pdf`,
  };
}

export function procedureView(record: ProcedureRecord, extra: { letter?: InquiryLetter | null; resident?: Resident | null; pinPad?: PinPadState | null } = {}) {
  const p = record.procedure;
  return {
    id: p.id,
    municipalityCode: p.municipalityCode,
    residentId: p.residentId,
    applicantType: p.applicantType,
    proxyName: record.proxyName,
    sameDay: p.sameDay,
    slots: p.slots,
    state: p.state,
    allowedSteps: allowedEvents(p),
    openedAt: iso(p.openedAt),
    openedBy: p.openedBy,
    deadline: iso(p.deadline),
    cardId: record.cardId,
    documents: record.documents,
    history: p.history.map((h) => ({ from: h.from, to: h.to, step: h.event.type, at: iso(h.at), by: h.by, policyVersion: h.policyVersion })),
    ...(extra.letter !== undefined ? { letter: extra.letter ? letterView(extra.letter) : null } : {}),
    ...(extra.resident ? { resident: residentView(extra.resident) } : {}),
    ...(extra.pinPad !== undefined ? { pinPad: extra.pinPad ? { ...extra.pinPad, expiresAt: extra.pinPad.expiresAt.toISOString() } : null } : {}),
  };
}

export function diagnosisView(d: CardDiagnosis) {
  const { diagnosis, status } = d;
  const slot = (s: (typeof status.pins)['auth']) => (s ? { remaining: s.remaining, max: s.max, locked: s.locked, lockedAt: iso(s.lockedAt) } : null);
  const cert = (c: (typeof status.certificates)['auth']) => ({ ...c, notAfter: iso(c.notAfter), statusChangedAt: iso(c.statusChangedAt) });
  return {
    verdict: { code: diagnosis.code, text: diagnosis.text },
    findings: diagnosis.findings,
    lastSuccess: iso(diagnosis.lastSuccess),
    failuresBySource: diagnosis.failuresBySource.map((f) => ({ ...f, lastAt: iso(f.lastAt) })),
    card: { cardId: status.cardId, status: status.status, issuedAt: iso(status.issuedAt), expiresAt: iso(status.expiresAt) },
    pins: { auth: slot(status.pins.auth), sign: slot(status.pins.sign), assist: slot(status.pins.assist), juki: slot(status.pins.juki) },
    certificates: { auth: cert(status.certificates.auth), sign: cert(status.certificates.sign) },
    attempts: d.attempts.map((a) => ({ ...a, occurredAt: iso(a.occurredAt) })),
    clientReports: clientReportsView(d.clientReports, d.history),
    resident: residentView(d.resident),
    riskHold: d.riskHold
      ? { id: d.riskHold.id, heldAt: iso(d.riskHold.heldAt), rule: d.riskHold.rule, figures: d.riskHold.figures, explanation: riskRuleText(d.riskHold.rule, d.riskHold.figures) }
      : null,
  };
}

/** A card's client reports, each with its class against the card's history, and the mismatch sentence. */
export function clientReportsView(r: CardClientReports, history: readonly CardEvent[]) {
  const m = r.summary.mismatch;
  return {
    tally: r.summary.tally,
    mismatch: m ? { ...m, since: m.since.toISOString() } : null,
    reports: r.reports.map((x) => ({ ...x, receivedAt: x.receivedAt.toISOString(), class: classifyReport(x, history) })),
  };
}
