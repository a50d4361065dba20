import { describe, expect, it } from 'vitest';
import { normalizeScopes, redirectUriProblem, validateRelyingService } from './relying-service.js';

const base = {
  clientId: 'e-tax',
  nameJa: 'e-Tax',
  nameEn: 'e-Tax',
  redirectUris: ['https://etax.example.jp/callback'],
  postLogoutRedirectUris: [],
  scopes: ['openid'],
};

describe('relying-service registration rules', () => {
  it('accepts https anywhere and http only on loopback hosts', () => {
    expect(redirectUriProblem('https://etax.example.jp/callback')).toBeNull();
    expect(redirectUriProblem('http://127.0.0.1:3002/callback')).toBeNull();
    expect(redirectUriProblem('http://localhost:3002/callback')).toBeNull();
    expect(redirectUriProblem('http://etax.example.jp/callback')).toBe('HTTPS_REQUIRED');
    expect(redirectUriProblem('javascript:alert(1)')).toBe('HTTPS_REQUIRED');
    expect(redirectUriProblem('https://etax.example.jp/cb#x')).toBe('FRAGMENT');
    expect(redirectUriProblem('/callback')).toBe('NOT_A_URL');
  });

  it('names every problem with its field', () => {
    expect(validateRelyingService(base)).toEqual([]);
    expect(
      validateRelyingService({ ...base, clientId: 'E Tax', nameJa: ' ', redirectUris: [], scopes: ['openid', 'profile'] }),
    ).toEqual([
      { field: 'clientId', reason: 'FORMAT' },
      { field: 'nameJa', reason: 'LENGTH' },
      { field: 'redirectUris', reason: 'COUNT' },
      { field: 'scopes.1', reason: 'UNKNOWN_SCOPE' },
    ]);
  });

  it('always includes openid, in a fixed order, without duplicates', () => {
    expect(normalizeScopes(['kagiya_card', 'kagiya_card', 'jpki_sign_attributes'])).toEqual(['openid', 'jpki_sign_attributes', 'kagiya_card']);
    expect(normalizeScopes([])).toEqual(['openid']);
  });
});
