import type { NewPinContext } from '../domain/weak-pin.js';
import type { AppDeps, Resident } from './ports.js';

/** The resident and the facts weak-PIN rules need (birth date, My Number), decrypted only in memory. */
export async function loadHolder(deps: AppDeps, residentId: string): Promise<{ resident: Resident; myNumber: string; pinContext: NewPinContext } | null> {
  const [resident, sealed] = await Promise.all([deps.residents.findById(residentId), deps.residents.sealedMyNumber(residentId)]);
  if (!resident || !sealed) return null;
  const myNumber = deps.vault.open(sealed, residentId);
  return { resident, myNumber, pinContext: { birthDate: resident.birthDate, myNumber } };
}
