import type { NewPinContext } from '../domain/weak-pin.js';
import type { MyNumberVault, Resident, ResidentStore } from './ports.js';

/** The resident and the facts weak-PIN rules need (birth date, My Number), decrypted only in memory. */
export async function loadHolder(
  vault: MyNumberVault,
  residents: Pick<ResidentStore, 'findById' | 'sealedMyNumber'>,
  residentId: string,
): Promise<{ resident: Resident; myNumber: string; pinContext: NewPinContext } | null> {
  const resident = await residents.findById(residentId);
  const sealed = resident ? await residents.sealedMyNumber(residentId) : null;
  if (!resident || !sealed) return null;
  const myNumber = vault.open(sealed, residentId);
  return { resident, myNumber, pinContext: { birthDate: resident.birthDate, myNumber } };
}
