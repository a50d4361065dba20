// Who is acting through an administrative API, and where they may act.

export type StaffRole = 'national_admin' | 'municipal_admin' | 'supervisor' | 'clerk' | 'auditor';

export type Actor = Readonly<{
  id: string;
  label: string;
  role: StaffRole;
  /** null for national roles, which act in every municipality. */
  municipalityCode: string | null;
}>;

/** Staff see and act only on residents registered in their municipality (DESIGN.md, Security). */
export function actsIn(actor: Actor, municipalityCode: string): boolean {
  return actor.municipalityCode === null || actor.municipalityCode === municipalityCode;
}

/** Roles that may register residents, issue cards and change card status. Auditors only read. */
export function mayOperateCards(actor: Actor): boolean {
  return actor.role !== 'auditor';
}
