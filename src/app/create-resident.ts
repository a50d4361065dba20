import { actsIn, mayOperateCards, type Actor } from '../domain/actor.js';
import { isValidMunicipalityCode } from '../domain/municipality-code.js';
import { isValidMyNumber, maskMyNumber } from '../domain/my-number.js';
import { fail, ok, type Outcome } from './outcome.js';
import type { AppDeps, Sex } from './ports.js';

export type NewResident = Readonly<{
  municipalityCode: string;
  name: string;
  nameKana: string;
  birthDate: string;
  sex: Sex;
  address: string;
  myNumber: string;
  adultWard?: boolean;
}>;

/** Registers a resident. The My Number is sealed before it reaches storage and never appears in errors. */
export async function createResident(deps: AppDeps, actor: Actor, input: NewResident): Promise<Outcome<{ id: string }>> {
  if (!mayOperateCards(actor)) return fail('FORBIDDEN');
  if (!isValidMunicipalityCode(input.municipalityCode)) return fail('INVALID_MUNICIPALITY', { field: 'municipalityCode' });
  if (!actsIn(actor, input.municipalityCode)) return fail('FORBIDDEN');
  if (!(await deps.residents.municipalityExists(input.municipalityCode))) return fail('INVALID_MUNICIPALITY', { field: 'municipalityCode' });
  if (!isValidMyNumber(input.myNumber)) return fail('INVALID_MY_NUMBER', { field: 'myNumber' });
  const now = deps.clock();
  if (input.birthDate > now.toISOString().slice(0, 10)) return fail('INVALID_REQUEST', { field: 'birthDate', reason: 'in the future' });

  const id = deps.secrets.newId();
  return deps.atomically(async (tx) => {
    const inserted = await tx.residents.insert({
      id,
      municipalityCode: input.municipalityCode,
      name: input.name,
      nameKana: input.nameKana,
      birthDate: input.birthDate,
      sex: input.sex,
      address: input.address,
      adultWard: input.adultWard ?? false,
      myNumberMasked: maskMyNumber(input.myNumber),
      myNumberSealed: deps.vault.seal(input.myNumber, id),
      myNumberIndex: deps.vault.index(input.myNumber),
      createdAt: now,
    });
    if (inserted === 'duplicate_my_number') return fail<{ id: string }>('DUPLICATE_MY_NUMBER');
    await tx.audit({ actor, action: 'resident.registered', target: { type: 'resident', id, municipalityCode: input.municipalityCode } });
    return ok({ id });
  });
}
