// Who is acting through an administrative API or the counter console, and what they may do where.

export type StaffRole = 'national_admin' | 'municipal_admin' | 'supervisor' | 'clerk' | 'auditor';
export const STAFF_ROLES: readonly StaffRole[] = ['clerk', 'supervisor', 'municipal_admin', 'national_admin', 'auditor'];

/**
 * A registered relying service (an integration token, never a staff account): may read the signing certificates'
 * status (CRL and OCSP of the signing CA), which JPKI gives only to registered operators.
 */
export type IntegrationRole = 'relying_party';
export type Role = StaffRole | IntegrationRole;
/** Roles an API token may carry. */
export const TOKEN_ROLES: readonly Role[] = [...STAFF_ROLES, 'relying_party'];

export type Actor = Readonly<{
  id: string;
  label: string;
  role: Role;
  /** null for national roles, which act in every municipality. */
  municipalityCode: string | null;
}>;

export type Permission =
  | 'cards.operate' // register residents, issue, suspend, restore, revoke cards
  | 'counter.read' // search residents, diagnose cards, list procedures and letters
  | 'counter.act' // run PIN re-setting procedures, manage letters
  | 'policy.write' // publish a new version of a municipal policy
  | 'audit.read'
  | 'certificates.sign_status'; // read the signing CA's CRL and OCSP answers

// Least privilege: auditors read the record of what was done, never act; only admins change policy.
const PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  clerk: ['cards.operate', 'counter.read', 'counter.act'],
  supervisor: ['cards.operate', 'counter.read', 'counter.act', 'audit.read'],
  municipal_admin: ['cards.operate', 'counter.read', 'counter.act', 'policy.write', 'audit.read'],
  national_admin: ['cards.operate', 'counter.read', 'counter.act', 'policy.write', 'audit.read', 'certificates.sign_status'],
  auditor: ['audit.read'],
  relying_party: ['certificates.sign_status'],
};

export function can(actor: Actor, permission: Permission): boolean {
  return PERMISSIONS[actor.role].includes(permission);
}

/** Staff see and act only on residents registered in their municipality (DESIGN.md, Security). */
export function actsIn(actor: Actor, municipalityCode: string): boolean {
  return actor.municipalityCode === null || actor.municipalityCode === municipalityCode;
}

/** Roles that may register residents, issue cards and change card status. */
export function mayOperateCards(actor: Actor): boolean {
  return can(actor, 'cards.operate');
}
