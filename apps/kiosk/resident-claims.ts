// What the kiosk prints comes from Kagiya's UserInfo for the konbini-certificates client: the resident's
// record as the municipality holds it (OpenID Connect standard claims plus Kagiya's own for the kana
// reading and the municipality).

import type { JuminhyoInput } from './juminhyo-pdf.js';

const str = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length <= 400 ? v : null);

export function residentFromClaims(claims: Readonly<Record<string, unknown>>): Pick<JuminhyoInput, 'resident' | 'municipality'> | null {
  const address = str(claims.address) ?? str((claims.address as { formatted?: unknown } | undefined)?.formatted);
  const name = str(claims.name);
  const birthDate = str(claims.birthdate);
  const gender = claims.gender;
  const code = str(claims.kagiya_municipality_code);
  const municipalityName = str(claims.kagiya_municipality_name);
  if (!address || !name || !birthDate || !/^\d{4}-\d{2}-\d{2}$/.test(birthDate) || !code || !municipalityName) return null;
  const sex = gender === 'male' || gender === 'female' ? gender : 'other';
  return {
    resident: { name, nameKana: str(claims.kagiya_name_kana) ?? '', birthDate, sex, address },
    municipality: { code, nameJa: municipalityName },
  };
}
