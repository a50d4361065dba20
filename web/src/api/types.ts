// JSON shapes of the API, taken from the types generated from Kagiya's OpenAPI document (openapi.ts, written by
// `npm run gen:api`; CI checks it is current). Only names are given here: no shape is written by hand.
import type { components, paths } from './openapi';

type Schemas = components['schemas'];

export type Bilingual = Schemas['Bilingual'];
export type Staff = Schemas['Staff'];
export type Municipality = Schemas['Municipality'];
export type MunicipalPolicy = Schemas['MunicipalPolicy'];
export type Resident = Schemas['Resident'];
export type ResidentHit = Schemas['ResidentHit'];
export type SlotView = Schemas['SlotView'];
export type CertificateView = Schemas['CertificateView'];
export type Attempt = Schemas['Attempt'];
export type Diagnosis = Schemas['Diagnosis'];
export type LetterStatus = Schemas['LetterStatus'];
export type Letter = Schemas['Letter'];
export type Procedure = Schemas['Procedure'];
export type PinPadView = Schemas['PinPadView'];
export type PinPadOpened = Schemas['PinPadOpened'];
export type LetterIssued = Schemas['LetterIssued'];
export type ClientReportsSummary = Schemas['ClientReportsSummary'];
export type LockDashboard = Schemas['LockDashboard'];
export type ClientMismatchRates = Schemas['ClientMismatchRates'];
export type SourceBlock = Schemas['SourceBlock'];
export type ServiceFlag = Schemas['ServiceFlag'];

export type ApplicantType = Procedure['applicantType'];
export type ProcedureState = Procedure['state'];
export type ProcedureEventType = Procedure['allowedSteps'][number];
export type PinSlot = Procedure['slots'][number];
export type DocumentKind = Procedure['documents'][number]['kinds'][number];
export type CardState = Diagnosis['card']['status'];

/** The JSON a path answers with on success (200 or 201), as the OpenAPI document says. */
export type ResponseOf<P extends keyof paths, M extends 'get' | 'post' | 'put'> = paths[P][M] extends {
  readonly responses: infer R;
}
  ? R extends { readonly 200: { readonly content: { readonly 'application/json': infer J } } }
    ? J
    : R extends { readonly 201: { readonly content: { readonly 'application/json': infer J } } }
      ? J
      : never
  : never;
