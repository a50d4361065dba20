// Kagiya's request and answer shapes as the demo services read them, taken from the types `npm run gen:api`
// generates from Kagiya's OpenAPI document (web/src/api/openapi.ts), the same ones the counter console uses.
// Type-only: nothing of the generated file is bundled or run. A route that changes its schema changes these
// types, and `npx tsc --noEmit` shows every place in apps/ that reads it.

import type { components, paths } from '../../web/src/api/openapi.js';

type Json<T> = T extends { readonly content: { readonly 'application/json': infer B } } ? B : never;

/** Kagiya's error body: { error: { code, message, messages: { ja, en }, …details } }. */
export type KagiyaErrorBody = components['schemas']['Error'];
export type KagiyaError = KagiyaErrorBody['error'];
export type KagiyaErrorCode = KagiyaError['code'];

// The holder resource (/api/v1/me/…), reached with the access token of the holder's OIDC login.
export type HolderCard = Json<paths['/api/v1/me/card']['get']['responses'][200]>;
export type SlotStatus = NonNullable<HolderCard['pins']['auth']>;
export type CertStatus = HolderCard['certificates']['auth'];
export type HolderEvents = Json<paths['/api/v1/me/events']['get']['responses'][200]>;
export type CardEvent = HolderEvents['events'][number];
export type HolderPinChange = Json<paths['/api/v1/me/pins/{slot}/change']['post']['requestBody']>;
export type HolderPinChanged = Json<paths['/api/v1/me/pins/{slot}/change']['post']['responses'][200]>;
export type ReportedLost = Json<paths['/api/v1/me/report-lost']['post']['responses'][200]>;
export type HolderClientReports = Json<paths['/api/v1/me/client-reports']['get']['responses'][200]>;
export type ResidentRecord = Json<paths['/api/v1/me/resident-record']['get']['responses'][200]>;

/** The card file Kagiya hands out at issuance (`{ cardId, cardKey }`), the prototype's stand-in for holding the card. */
export type CardFile = components['schemas']['CardFile'];

// The card signing (POST /api/v1/cards/{cardId}/sign).
export type CardSignRequest = Json<paths['/api/v1/cards/{cardId}/sign']['post']['requestBody']>;
export type CardSignAnswer = Json<paths['/api/v1/cards/{cardId}/sign']['post']['responses'][200]>;

// The readiness check (GET /api/v1/me/card/health, /api/v1/cards/{cardId}/health) and the kiosk reset.
export type CardReadiness = Json<paths['/api/v1/me/card/health']['get']['responses'][200]>;
export type KioskResetReservationRequest = Json<paths['/api/v1/cards/{cardId}/kiosk-reset/reservations']['post']['requestBody']>;
export type KioskResetReservation = Json<paths['/api/v1/cards/{cardId}/kiosk-reset/reservations']['post']['responses'][201]>;
export type KioskResetOpen = Json<paths['/api/v1/cards/{cardId}/kiosk-reset']['get']['responses'][200]>;
export type KioskResetDone = Json<paths['/api/v1/cards/{cardId}/kiosk-reset']['post']['responses'][200]>;
