import { describe, expect, it } from 'vitest';
import { createRefusalReporter, shownCodeOf } from './client-report.js';
import { refusal } from './refusal.js';
import { refusalShown } from '../../src/adapters/cli/reader/reader-bridge.js';

describe('what a client reports it showed', () => {
  it.each([
    [refusal('PIN_LOCKED', { slot: 'auth' }), 'PIN_LOCKED', null],
    [refusal('CERT_REVOKED'), 'CERT_REVOKED', null],
    [refusal('KAGIYA_UNREACHABLE'), 'SERVICE_UNAVAILABLE', { appCode: 'KAGIYA_UNREACHABLE' }],
    [refusal('CERT_STATUS_UNAVAILABLE'), 'SERVICE_UNAVAILABLE', { appCode: 'CERT_STATUS_UNAVAILABLE' }],
    [refusal('SIGNATURE_INVALID'), 'OTHER', { appCode: 'SIGNATURE_INVALID' }],
  ] as const)('%o is reported as %s', (r, code, detail) => {
    expect(shownCodeOf(r)).toEqual({ shownCode: code, detail });
  });

  it('sends the card key or the bearer token, and nothing for a refusal about the form', async () => {
    const sent: Array<{ url: string; headers: Record<string, string>; body: Record<string, unknown> }> = [];
    const fetch = (async (url: URL, init: RequestInit) => {
      sent.push({ url: String(url), headers: init.headers as Record<string, string>, body: JSON.parse(String(init.body)) });
      return new Response('{"received":true}', { status: 202 });
    }) as unknown as typeof globalThis.fetch;
    const reporter = createRefusalReporter({ kagiyaUrl: 'http://kagiya.test', app: 'kagiya-etax', appVersion: '0.1.0', channel: 'pc', service: 'e-tax', fetch });
    await reporter.report(refusal('PIN_INCORRECT', { slot: 'sign', remaining: 2 }), { kind: 'card', cardId: 'c1', cardKey: 'k1' });
    await reporter.report(refusal('SERVICE_BUSY'), { kind: 'bearer', token: 't1' });
    await reporter.report(refusal('FORM_INVALID'), { kind: 'bearer', token: 't1' });
    await reporter.report(refusal('PIN_LOCKED'), null);
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatchObject({ url: 'http://kagiya.test/api/v1/client-reports', headers: { 'x-card-key': 'k1' }, body: { cardId: 'c1', shownCode: 'PIN_INCORRECT', slot: 'sign', app: 'kagiya-etax', channel: 'pc', service: 'e-tax' } });
    expect(sent[1]).toMatchObject({ headers: { authorization: 'Bearer t1' }, body: { shownCode: 'SERVICE_BUSY' } });
    expect(sent[1]!.body.cardId).toBeUndefined();
  });
});

describe('what the reader told the software on a refused VERIFY', () => {
  const verify = Uint8Array.of(0x00, 0x20, 0x00, 0x81, 0x04, 0x30, 0x30, 0x30, 0x30);
  const empty = Uint8Array.of(0x00, 0x20, 0x00, 0x81);
  it.each([
    [verify, [0x69, 0x83], 'PIN_LOCKED'],
    [verify, [0x69, 0x84], 'PIN_LOCKED'],
    [verify, [0x63, 0xc2], 'PIN_INCORRECT'],
    [verify, [0x63, 0xc0], 'PIN_LOCKED'],
    [verify, [0x90, 0x00], null],
    [empty, [0x63, 0xc3], null],
    [Uint8Array.of(0x00, 0xa4, 0x04, 0x0c, 0x01, 0x00), [0x69, 0x83], null],
  ] as const)('%o answered %o is %s', (command, sw, expected) => {
    expect(refusalShown(command, Uint8Array.from(sw))).toBe(expected);
  });
});
