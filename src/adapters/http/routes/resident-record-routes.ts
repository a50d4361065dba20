import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { residentRecord } from '../../../app/resident-record.js';
import type { OidcRuntime } from '../../oidc/oidc-runtime.js';
import { respond, type Env } from '../http-context.js';
import { errorResponses } from '../schemas.js';
import { holder } from './me-routes.js';

// The resident's record (住民票 items) for a certificate-issuing service (the convenience-store kiosk) the holder
// logged in to with the card and the auth PIN: an access token for /api/v1/me with scope kagiya_resident_record,
// which only a service registered with that scope can be granted.

export const RESIDENT_RECORD_SCOPE = 'kagiya_resident_record';

const ResidentRecordResponse = z
  .object({
    name: z.string(),
    nameKana: z.string(),
    birthDate: z.string(),
    sex: z.enum(['male', 'female', 'other']),
    address: z.string(),
    municipalityCode: z.string(),
    municipalityNameJa: z.string(),
    municipalityNameEn: z.string(),
  })
  .openapi('ResidentRecord');

export function registerResidentRecordRoutes(app: OpenAPIHono<Env>, runtime: OidcRuntime) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/me/resident-record',
      tags: ['Holder (OIDC access token)'],
      security: [{ holderToken: [] as string[] }],
      summary: "The logged-in holder's residence record (住民票 items, never the My Number); audited per release",
      responses: { 200: { description: 'Residence record', content: { 'application/json': { schema: ResidentRecordResponse } } }, ...errorResponses(401, 403, 404, 410, 423) },
    }),
    async (c) => {
      const h = await holder(c, runtime, RESIDENT_RECORD_SCOPE);
      if (h instanceof Response) return h;
      c.header('Cache-Control', 'no-store');
      return respond(c, await residentRecord(c.var.deps, { cardId: h.cardId, clientId: h.clientId }), (v) => v);
    },
  );
}
