// What the kiosk prints comes from the municipality's record through Kagiya's resource API, with the access
// token of this login (scope kagiya_resident_record): GET /api/v1/me/resident-record.

import type { ResidentRecord } from '../shared/kagiya-api-types.js';
import { refusal, refusalFromKagiya, type Refusal } from '../shared/refusal.js';
import type { JuminhyoInput } from './juminhyo-pdf.js';

export type Record_ = Pick<JuminhyoInput, 'resident' | 'municipality'>;

const str = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length <= 400 ? v : null);

export async function fetchResidentRecord(input: { kagiyaUrl: string; accessToken: string; fetch?: typeof fetch }): Promise<{ ok: true; value: Record_ } | { ok: false; refusal: Refusal }> {
  let response: Response;
  try {
    response = await (input.fetch ?? fetch)(new URL('/api/v1/me/resident-record', input.kagiyaUrl), {
      headers: { authorization: `Bearer ${input.accessToken}`, accept: 'application/json' },
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    return { ok: false, refusal: refusal('KAGIYA_UNREACHABLE') };
  }
  // Kagiya's answer as its OpenAPI document states it, still checked field by field: a body that is not one is an outage.
  const body = (await response.json().catch(() => null)) as Partial<ResidentRecord> | null;
  if (!response.ok) return { ok: false, refusal: response.status === 401 ? refusal('SESSION_EXPIRED') : refusalFromKagiya(body) };
  const name = str(body?.name);
  const address = str(body?.address);
  const birthDate = str(body?.birthDate);
  const code = str(body?.municipalityCode);
  const municipality = str(body?.municipalityNameJa);
  const sex = body?.sex;
  if (!name || !address || !birthDate || !/^\d{4}-\d{2}-\d{2}$/.test(birthDate) || !code || !municipality || (sex !== 'male' && sex !== 'female' && sex !== 'other')) {
    return { ok: false, refusal: refusal('KAGIYA_UNREACHABLE') };
  }
  return {
    ok: true,
    value: { resident: { name, nameKana: str(body?.nameKana) ?? '', birthDate, sex, address }, municipality: { code, nameJa: municipality } },
  };
}
