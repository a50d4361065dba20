import { describe, expect, it } from 'vitest';
import { parseMultiHostUrl } from './multi-host.js';

describe('parseMultiHostUrl', () => {
  it('leaves a plain URL to pg', () => {
    expect(parseMultiHostUrl('postgres://kagiya@db1:5432/kagiya')).toBeNull();
    expect(parseMultiHostUrl('postgres://kagiya@db1:5432/kagiya?sslmode=require')).toBeNull();
  });

  it('reads the hosts in order, the credentials, the database and target_session_attrs', () => {
    expect(parseMultiHostUrl('postgresql://ka%40giya:p%3Ass@db1:5433,db2,[::1]:6000/kagiya?target_session_attrs=read-write')).toEqual({
      user: 'ka@giya',
      password: 'p:ss',
      database: 'kagiya',
      hosts: [
        { host: 'db1', port: 5433 },
        { host: 'db2', port: 5432 },
        { host: '::1', port: 6000 },
      ],
      readWrite: true,
    });
    expect(parseMultiHostUrl('postgres://u@h:1/d?target_session_attrs=read-write')?.hosts).toEqual([{ host: 'h', port: 1 }]);
    expect(parseMultiHostUrl('postgres://u@a:1,b:2/d')?.readWrite).toBe(false);
  });

  it('refuses what it cannot honour', () => {
    expect(() => parseMultiHostUrl('postgres://u@a:1,b:2/d?target_session_attrs=read-only')).toThrow(/not supported/);
    expect(() => parseMultiHostUrl('postgres://u@a:99999,b:2/d')).toThrow(/bad port/);
  });
});
