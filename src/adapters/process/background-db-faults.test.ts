import { describe, expect, it } from 'vitest';
import { survivingBackgroundDbFaults } from './background-db-faults.js';

describe('the unhandled-rejection handler', () => {
  const logged: Array<{ obj: object; msg: string }> = [];
  const handler = survivingBackgroundDbFaults({ error: (obj, msg) => logged.push({ obj, msg }) });

  it('logs a database fault nobody awaited and lets the process go on', () => {
    const terminated = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    expect(() => handler(terminated)).not.toThrow();
    expect(() => handler(new Error('Connection terminated unexpectedly'))).not.toThrow();
    expect(logged.map((l) => (l.obj as { fault: string }).fault)).toEqual(['unavailable', 'unavailable']);
    expect((logged[0]!.obj as { err: { code: string } }).err.code).toBe('57P01');
  });

  it('throws anything else again, so the process ends as it would by default', () => {
    const bug = new TypeError('x is not a function');
    expect(() => handler(bug)).toThrow(bug);
    expect(() => handler('a string')).toThrow();
  });
});
