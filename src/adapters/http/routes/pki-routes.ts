import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { can } from '../../../domain/actor.js';
import type { CaDirectory } from '../../db/ca-store.js';
import type { CrlPublisher } from '../../db/crl-store.js';
import { ocspErrorResponse } from '../../pki/ocsp-codec.js';
import { isPublicStatusCa, type OcspResponder } from '../../pki/ocsp-responder.js';
import { CA_ID } from '../../pki/status-urls.js';
import { errorJson, resolveActor, type Env } from '../http-context.js';

// Certificate status for relying services on Kagiya's origin (the paths certificates name in AIA and CRLDP):
//   GET  /pki/ca/{caId}.crt     the CA certificate (DER; AIA caIssuers)
//   GET  /pki/crl/{caId}.crl    the CA's CRL (DER; CRLDP)
//   POST /pki/ocsp              OCSP (RFC 6960 Appendix A.1, application/ocsp-request)
//   GET  /pki/ocsp/{base64}     OCSP by GET (A.1: the base64 DER, URL-encoded)
// The signing CA's CRL and OCSP answers need a relying-party bearer token (docs/decisions.md).

export type CertificateStatusServices = Readonly<{ cas: CaDirectory; crls: CrlPublisher; ocsp: OcspResponder }>;

/** An OCSP request is small (openssl's is about 120 bytes); 16 KiB leaves room for a signed request. */
export const MAX_OCSP_REQUEST_BYTES = 16 * 1024;
const MAX_OCSP_GET_PATH = 4 * 1024;

const OCSP_HEADERS = { 'Content-Type': 'application/ocsp-response', 'Cache-Control': 'no-cache' };

async function mayReadSigningStatus(c: Context<Env>): Promise<boolean> {
  const actor = await resolveActor(c);
  return actor !== null && can(actor, 'certificates.sign_status');
}

function fileParam(c: Context, extension: string): string | null {
  const file = c.req.param('file') ?? '';
  if (!file.endsWith(extension)) return null;
  const id = file.slice(0, -extension.length);
  return CA_ID.test(id) ? id : null;
}

const binary = (type: string, description: string) => ({ description, content: { [type]: { schema: { type: 'string' as const, format: 'binary' } } } });
const tags = ['Certificate status (relying services)'];

// The routes answer DER, not JSON, so they are described here and served by plain handlers below.
function describeRoutes(app: OpenAPIHono<Env>) {
  const caId = { name: 'file', in: 'path' as const, required: true, schema: { type: 'string' as const }, description: '{caId}.crt or {caId}.crl, e.g. jpki-auth-ecdsa-p256.crl' };
  const registry = app.openAPIRegistry;
  registry.registerPath({
    method: 'get', path: '/pki/ca/{file}', tags, summary: 'A CA certificate (DER), named by certificates as AIA caIssuers',
    parameters: [caId], responses: { 200: binary('application/pkix-cert', 'The CA certificate'), 404: { description: 'No such CA' } },
  } as never);
  registry.registerPath({
    method: 'get', path: '/pki/crl/{file}', tags, security: [{ bearer: [] }],
    summary: "A CA's CRL (DER, RFC 5280 v2), rebuilt as soon as a status changes; the signing CA's needs a relying_party token",
    parameters: [caId], responses: { 200: binary('application/pkix-crl', 'The CRL'), 401: { description: 'Signing CA without a token' }, 403: { description: 'Token without the relying_party role' }, 404: { description: 'No such CA' } },
  } as never);
  registry.registerPath({
    method: 'post', path: '/pki/ocsp', tags,
    summary: "OCSP (RFC 6960); the signing CA's answers need a relying_party bearer token (else unauthorized)",
    request: { body: { required: true, content: { 'application/ocsp-request': { schema: { type: 'string', format: 'binary' } } } } },
    responses: { 200: binary('application/ocsp-response', 'An OCSP response; errors are OCSP statuses (malformedRequest, unauthorized, tryLater)') },
  } as never);
  registry.registerPath({
    method: 'get', path: '/pki/ocsp/{request}', tags, summary: 'OCSP by GET (RFC 6960 A.1): the URL-encoded base64 DER request',
    parameters: [{ name: 'request', in: 'path', required: true, schema: { type: 'string' } }],
    responses: { 200: binary('application/ocsp-response', 'An OCSP response') },
  } as never);
}

export function registerPkiRoutes(app: OpenAPIHono<Env>, services: CertificateStatusServices) {
  describeRoutes(app);
  app.get('/pki/ca/:file', async (c) => {
    const id = fileParam(c, '.crt');
    const ca = id && (await services.cas.byId(id));
    if (!ca) return errorJson(c, 'NOT_FOUND', { resource: 'ca' });
    return c.body(new Uint8Array(ca.material.certDer), 200, { 'Content-Type': 'application/pkix-cert', 'Cache-Control': 'public, max-age=86400' });
  });

  app.get('/pki/crl/:file', async (c) => {
    const id = fileParam(c, '.crl');
    const ca = id && (await services.cas.byId(id));
    if (!ca) return errorJson(c, 'NOT_FOUND', { resource: 'crl' });
    if (!isPublicStatusCa(ca)) {
      const actor = await resolveActor(c);
      if (!actor) {
        c.header('WWW-Authenticate', 'Bearer realm="kagiya-relying-parties"');
        return errorJson(c, 'UNAUTHENTICATED');
      }
      if (!can(actor, 'certificates.sign_status')) return errorJson(c, 'FORBIDDEN');
    }
    const der = await services.crls.current(ca);
    if (!der) {
      c.header('Retry-After', '1');
      return errorJson(c, 'SERVICE_BUSY');
    }
    // Rebuilt within a request of any change: clients must revalidate rather than reuse a copy.
    return c.body(new Uint8Array(der), 200, { 'Content-Type': 'application/pkix-crl', 'Cache-Control': 'no-cache' });
  });

  app.post(
    '/pki/ocsp',
    bodyLimit({ maxSize: MAX_OCSP_REQUEST_BYTES, onError: (c) => c.body(new Uint8Array(ocspErrorResponse('malformedRequest')), 200, OCSP_HEADERS) }),
    async (c) => {
      const der = new Uint8Array(await c.req.arrayBuffer());
      const answer = await services.ocsp(der, () => mayReadSigningStatus(c));
      return c.body(new Uint8Array(answer), 200, OCSP_HEADERS);
    },
  );

  app.get('/pki/ocsp/*', async (c) => {
    const raw = new URL(c.req.url).pathname.slice('/pki/ocsp/'.length);
    const der = raw.length > MAX_OCSP_GET_PATH ? null : decodeGetPath(raw);
    const answer = der ? await services.ocsp(der, () => mayReadSigningStatus(c)) : ocspErrorResponse('malformedRequest');
    return c.body(new Uint8Array(answer), 200, OCSP_HEADERS);
  });
}

// RFC 6960 A.1: url-encoding of base64. Clients differ ('/' encoded or not, base64url), so all are read.
function decodeGetPath(raw: string): Uint8Array | null {
  let text: string;
  try {
    text = decodeURIComponent(raw);
  } catch {
    return null;
  }
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return null;
  const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length > 0 ? new Uint8Array(bytes) : null;
}
