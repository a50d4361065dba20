import { describe, expect, it } from 'vitest';
import { DEFAULT_RISK_RULES, evaluateCard, evaluateServices, evaluateSource, riskRulesWith, sourceKeyOf, validRiskRules } from './risk.js';
import { riskRuleText } from './risk-text.js';

const NOW = new Date('2026-03-03T01:00:00Z');

describe('the source key an entry is judged by', () => {
  it.each([
    ['an address wins over a terminal', { address: '203.0.113.5', service: 'e-tax', terminal: 'pc-1' }, 'ip:203.0.113.5'],
    ['a relayed entry is judged by its terminal, scoped by service', { address: null, service: 'konbini', terminal: 'store 1' }, 'terminal:konbini/store 1'],
    ['a terminal without a service', { address: null, service: null, terminal: 'reader-1' }, 'terminal:-/reader-1'],
    ['nothing to judge by', { address: null, service: 'e-tax', terminal: null }, null],
  ])('%s', (_name, source, key) => {
    expect(sourceKeyOf(source)).toBe(key);
  });
});

describe('source spray rule (block)', () => {
  it.each([
    [9, null],
    [10, 'source-spray'],
    [50, 'source-spray'],
  ])('with failures on %i distinct cards: %s', (failedCards, rule) => {
    const decision = evaluateSource(DEFAULT_RISK_RULES, { sourceKey: 'ip:203.0.113.5', failedCards, windowMinutes: 15 }, NOW);
    expect(decision?.rule ?? null).toBe(rule);
  });

  it('blocks for the configured time, with the figures that triggered it', () => {
    const rules = riskRulesWith({ sourceSpray: { cards: 3, blockMinutes: 5 } });
    const decision = evaluateSource(rules, { sourceKey: 'ip:198.51.100.1', failedCards: 3, windowMinutes: 15 }, NOW);
    expect(decision).toEqual({ rule: 'source-spray', sourceKey: 'ip:198.51.100.1', figures: { sourceKey: 'ip:198.51.100.1', failedCards: 3, windowMinutes: 15 }, until: new Date('2026-03-03T01:05:00Z') });
  });
});

describe('card rules (risk hold)', () => {
  it.each([
    [{ addresses: 0, services: 0 }, null],
    [{ addresses: 2, services: 2 }, null],
    [{ addresses: 3, services: 0 }, 'card-many-addresses'],
    [{ addresses: 1, services: 3 }, 'card-many-services'],
    [{ addresses: 4, services: 5 }, 'card-many-addresses'],
  ])('%o → %s', (figures, rule) => {
    expect(evaluateCard(DEFAULT_RISK_RULES, figures)?.rule ?? null).toBe(rule);
  });

  it('explains the hold with the threshold and window', () => {
    expect(evaluateCard(DEFAULT_RISK_RULES, { addresses: 3, services: 1 })?.figures).toEqual({ addresses: 3, services: 1, threshold: 3, windowMinutes: 30 });
  });
});

describe('service failure-rate rule (flag)', () => {
  const s = (service: string, attempts: number, failures: number) => ({ service, attempts, failures });
  it.each([
    ['a clinic trying 0000 on every card among healthy services', [s('clinic', 40, 40), s('e-tax', 1000, 30), s('portal', 500, 20)], ['clinic']],
    ['too few entries to judge', [s('clinic', 19, 19), s('e-tax', 1000, 30)], []],
    ['high, but not far above a high norm', [s('a', 100, 60), s('b', 100, 50), s('c', 100, 55)], []],
    ['alone: judged against the baseline', [s('clinic', 20, 10)], ['clinic']],
    ['below the minimum rate even if far above the norm', [s('x', 100, 40), s('y', 100, 1), s('z', 100, 1)], []],
    ['two bad services are both flagged against the others', [s('a', 50, 50), s('b', 50, 45), s('c', 300, 3), s('d', 300, 6), s('e', 300, 9)], ['a', 'b']],
  ])('%s', (_name, figures, flagged) => {
    expect(evaluateServices(DEFAULT_RISK_RULES, figures).map((f) => f.service)).toEqual(flagged);
  });

  it('reports the rate, the norm it was measured against and the factor', () => {
    const [flag] = evaluateServices(DEFAULT_RISK_RULES, [s('clinic', 40, 30), s('e-tax', 100, 2), s('portal', 100, 4)]);
    expect(flag!.figures).toEqual({ attempts: 40, failures: 30, rate: 0.75, norm: 0.05, factor: 5, windowMinutes: 60 });
  });
});

describe('rule configuration', () => {
  it('accepts the defaults and refuses nonsense', () => {
    expect(validRiskRules(DEFAULT_RISK_RULES)).toBeNull();
    expect(validRiskRules(riskRulesWith({ sourceSpray: { cards: 0 } }))).toContain('sourceSpray.cards');
    expect(validRiskRules(riskRulesWith({ serviceFailures: { minRate: 1.5 } }))).toContain('minRate');
  });
});

describe('rule texts', () => {
  it.each([
    ['card-many-addresses', { addresses: 3, threshold: 3, windowMinutes: 30 }, '3か所の異なる接続元', '3 different network sources'],
    ['card-many-services', { services: 4, threshold: 3, windowMinutes: 30 }, '4件の異なるサービス', '4 different services'],
    ['source-spray', { failedCards: 12, windowMinutes: 15 }, '12枚の異なるカード', '12 different cards'],
    ['service-failure-rate', { attempts: 40, failures: 30, rate: 0.75, norm: 0.05, factor: 5, windowMinutes: 60 }, '失敗率75%', 'failure rate of 75%'],
  ])('%s reads in both languages', (rule, figures, ja, en) => {
    const text = riskRuleText(rule, figures);
    expect(text.ja).toContain(ja);
    expect(text.en).toContain(en);
  });
});
