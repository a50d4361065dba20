import { createStaff } from '../../src/app/create-staff.js';
import { currentTotp } from '../../src/adapters/crypto/totp.js';
import type { StaffRole } from '../../src/domain/actor.js';
import type { TestSystem } from './test-db.js';

let n = 0;
export const STAFF_PASSWORD = 'correct horse battery staple';

export type TestStaff = Readonly<{ loginId: string; role: StaffRole; municipalityCode: string | null; totpSecret: string }>;

/** A staff account made through the real use case, as a national admin would. */
export async function newStaff(system: TestSystem, role: StaffRole, municipalityCode: string | null): Promise<TestStaff> {
  n += 1;
  const loginId = `${role.replace('_', '-')}.${municipalityCode ?? 'jp'}.${n}`;
  const created = await createStaff(system.deps, { id: 'test', label: 'test', role: 'national_admin', municipalityCode: null }, {
    loginId,
    name: `${role} ${n}`,
    role,
    municipalityCode,
    password: STAFF_PASSWORD,
  });
  if (!created.ok) throw new Error(`staff: ${created.code}`);
  return { loginId, role, municipalityCode, totpSecret: created.value.totpSecret };
}

/** Signs in over HTTP and returns the session cookie header. `at` picks the TOTP time step. */
export async function signIn(system: TestSystem, staff: TestStaff, at: Date = system.deps.clock()): Promise<Record<string, string>> {
  const res = await system.app.request('/api/v1/staff/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ loginId: staff.loginId, password: STAFF_PASSWORD, totp: currentTotp(staff.totpSecret, at) }),
  });
  if (res.status !== 200) throw new Error(`sign-in ${res.status}: ${await res.text()}`);
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  return { cookie };
}
