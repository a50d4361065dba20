import { describe, expect, it } from 'vitest';
import { classifyDbFault } from './db-faults.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('classifyDbFault', () => {
  it.each([
    [withCode('terminating connection due to administrator command', '57P01'), 'unavailable'],
    [new Error('Connection terminated unexpectedly'), 'unavailable'],
    [new Error('Client has encountered a connection error and is not queryable'), 'unavailable'],
    [withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'), 'unavailable'],
    [new AggregateError([withCode('refused', 'ECONNREFUSED')], 'all refused'), 'unavailable'],
    [new Error('timeout exceeded when trying to connect'), 'unavailable'],
    [new Error('driver has already been destroyed'), 'unavailable'],
    [new Error('PGlite is closed'), 'unavailable'],
    [withCode('could not serialize access', '40001'), 'busy'],
    [withCode('deadlock detected', '40P01'), 'busy'],
    [withCode('canceling statement due to statement timeout', '57014'), 'busy'],
  ] as const)('%s is %s', (error, fault) => {
    expect(classifyDbFault(error)).toBe(fault);
  });

  it('leaves our own defects (a syntax error, a TypeError, a non-error) unclassified', () => {
    expect(classifyDbFault(withCode('syntax error at or near "selec"', '42601'))).toBeNull();
    expect(classifyDbFault(new TypeError('x is undefined'))).toBeNull();
    expect(classifyDbFault('boom')).toBeNull();
  });
});
