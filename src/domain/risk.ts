// Risk rules (issue 13 item 1): three separate outcomes, each explained by the rule that fired and its figures.
//
// - a SOURCE (a network address, or a self-declared terminal behind one of our own trusted front ends) that fails on
//   many different cards in a window is BLOCKED: its next entries are refused before any PIN is compared, so no
//   holder loses a try (SOURCE_BLOCKED, "not a lock");
// - a CARD whose failures come from many different addresses or services in a short window gets a RISK HOLD on its
//   online use (RISK_HOLD, DOMAIN.md §3: a hold on the online account, not a PIN lock), released at the counter or
//   by the holder after a confirmed sign-in;
// - a RELYING SERVICE whose entries fail far above the norm is FLAGGED to the national admin with its failure rate.
//
// Pure functions: figures in, a decision (or null) out. Counting happens in the store; time is a parameter.

export type RiskRules = Readonly<{
  /** Source block: failed entries on at least `cards` distinct cards within `windowMinutes` → blocked `blockMinutes`. */
  sourceSpray: Readonly<{ cards: number; windowMinutes: number; blockMinutes: number }>;
  /** Card hold: failures on one card from at least `addresses` distinct network addresses within `windowMinutes`. */
  cardAddresses: Readonly<{ addresses: number; windowMinutes: number }>;
  /** Card hold: failures on one card through at least `services` distinct relying services within `windowMinutes`. */
  cardServices: Readonly<{ services: number; windowMinutes: number }>;
  /**
   * Service flag: over `windowMinutes`, at least `minAttempts` entries, a failure rate of at least `minRate`, and at
   * least `factor` times the norm (the median rate of the other services with enough entries, or `baselineRate`).
   */
  serviceFailures: Readonly<{ windowMinutes: number; minAttempts: number; minRate: number; factor: number; baselineRate: number }>;
}>;

export const DEFAULT_RISK_RULES: RiskRules = Object.freeze({
  sourceSpray: Object.freeze({ cards: 10, windowMinutes: 15, blockMinutes: 60 }),
  cardAddresses: Object.freeze({ addresses: 3, windowMinutes: 30 }),
  cardServices: Object.freeze({ services: 3, windowMinutes: 30 }),
  serviceFailures: Object.freeze({ windowMinutes: 60, minAttempts: 20, minRate: 0.5, factor: 5, baselineRate: 0.05 }),
});

export type RiskRuleId = 'source-spray' | 'card-many-addresses' | 'card-many-services' | 'service-failure-rate';

/** Where an entry came from, as Kagiya can tell it (adapters/http/client-address.ts decides the address). */
export type EntrySource = Readonly<{ address: string | null; service: string | null; terminal: string | null }>;

/**
 * The one key a source is judged and blocked by: the network address when there is one; otherwise (an entry relayed
 * by one of our own front ends or a co-located relying service, whose address is trusted) the terminal it names,
 * scoped by service so that one service's terminal name cannot block another's. No key: nothing to block.
 */
export function sourceKeyOf(source: EntrySource): string | null {
  if (source.address) return `ip:${source.address}`;
  if (source.terminal) return `terminal:${source.service ?? '-'}/${source.terminal}`;
  return null;
}

export type SourceFigures = Readonly<{ sourceKey: string; failedCards: number; windowMinutes: number }>;
export type SourceBlockDecision = Readonly<{ rule: 'source-spray'; sourceKey: string; figures: SourceFigures; until: Date }>;

export function evaluateSource(rules: RiskRules, figures: SourceFigures, now: Date): SourceBlockDecision | null {
  const r = rules.sourceSpray;
  if (figures.failedCards < r.cards) return null;
  return { rule: 'source-spray', sourceKey: figures.sourceKey, figures, until: new Date(now.getTime() + r.blockMinutes * 60_000) };
}

export type CardFigures = Readonly<{ addresses: number; services: number }>;
export type CardHoldDecision = Readonly<{
  rule: 'card-many-addresses' | 'card-many-services';
  figures: Readonly<{ addresses: number; services: number; threshold: number; windowMinutes: number }>;
}>;

export function evaluateCard(rules: RiskRules, figures: CardFigures): CardHoldDecision | null {
  if (figures.addresses >= rules.cardAddresses.addresses) {
    return { rule: 'card-many-addresses', figures: { ...figures, threshold: rules.cardAddresses.addresses, windowMinutes: rules.cardAddresses.windowMinutes } };
  }
  if (figures.services >= rules.cardServices.services) {
    return { rule: 'card-many-services', figures: { ...figures, threshold: rules.cardServices.services, windowMinutes: rules.cardServices.windowMinutes } };
  }
  return null;
}

export type ServiceFigures = Readonly<{ service: string; attempts: number; failures: number }>;
export type ServiceFlagDecision = Readonly<{
  rule: 'service-failure-rate';
  service: string;
  figures: Readonly<{ attempts: number; failures: number; rate: number; norm: number; factor: number; windowMinutes: number }>;
}>;

const rateOf = (s: ServiceFigures) => (s.attempts === 0 ? 0 : s.failures / s.attempts);

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Every service whose failure rate is far above the norm. The norm of a service is the median rate of the OTHER
 * services with enough entries (one bad clinic does not raise its own bar), or the configured baseline when there
 * are none; it never falls below the baseline, so a quiet day does not make every small failure rate suspicious.
 */
export function evaluateServices(rules: RiskRules, all: readonly ServiceFigures[]): ServiceFlagDecision[] {
  const r = rules.serviceFailures;
  const enough = all.filter((s) => s.attempts >= r.minAttempts);
  const flags: ServiceFlagDecision[] = [];
  for (const s of enough) {
    const others = median(enough.filter((o) => o.service !== s.service).map(rateOf));
    const norm = Math.max(others ?? r.baselineRate, r.baselineRate);
    const rate = rateOf(s);
    if (rate >= r.minRate && rate >= norm * r.factor) {
      flags.push({
        rule: 'service-failure-rate',
        service: s.service,
        figures: { attempts: s.attempts, failures: s.failures, rate: round(rate), norm: round(norm), factor: r.factor, windowMinutes: r.windowMinutes },
      });
    }
  }
  return flags;
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

/** Checks overrides (env or tests) before they are used: every figure a positive number, rates within 0..1. */
export function validRiskRules(rules: RiskRules): string | null {
  const positive: Array<[string, number]> = [
    ['sourceSpray.cards', rules.sourceSpray.cards],
    ['sourceSpray.windowMinutes', rules.sourceSpray.windowMinutes],
    ['sourceSpray.blockMinutes', rules.sourceSpray.blockMinutes],
    ['cardAddresses.addresses', rules.cardAddresses.addresses],
    ['cardAddresses.windowMinutes', rules.cardAddresses.windowMinutes],
    ['cardServices.services', rules.cardServices.services],
    ['cardServices.windowMinutes', rules.cardServices.windowMinutes],
    ['serviceFailures.windowMinutes', rules.serviceFailures.windowMinutes],
    ['serviceFailures.minAttempts', rules.serviceFailures.minAttempts],
    ['serviceFailures.factor', rules.serviceFailures.factor],
  ];
  for (const [name, value] of positive) if (!Number.isFinite(value) || value <= 0) return `${name} must be a positive number`;
  for (const [name, value] of [['serviceFailures.minRate', rules.serviceFailures.minRate], ['serviceFailures.baselineRate', rules.serviceFailures.baselineRate]] as const) {
    if (!Number.isFinite(value) || value <= 0 || value > 1) return `${name} must be a rate above 0 and at most 1`;
  }
  return null;
}

/** Overrides on top of the defaults, field by field. */
export function riskRulesWith(overrides: Partial<{ [K in keyof RiskRules]: Partial<RiskRules[K]> }>): RiskRules {
  return {
    sourceSpray: { ...DEFAULT_RISK_RULES.sourceSpray, ...overrides.sourceSpray },
    cardAddresses: { ...DEFAULT_RISK_RULES.cardAddresses, ...overrides.cardAddresses },
    cardServices: { ...DEFAULT_RISK_RULES.cardServices, ...overrides.cardServices },
    serviceFailures: { ...DEFAULT_RISK_RULES.serviceFailures, ...overrides.serviceFailures },
  };
}
