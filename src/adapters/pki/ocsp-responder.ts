// The OCSP responder (RFC 6960): matches each CertID to one of Kagiya's CAs, asks the shared status function
// (app/certificate-status.ts) and answers signed by that CA. Every outcome is an OCSP response: malformed input is
// malformedRequest, a store that cannot answer is tryLater, never an HTTP 5xx.

import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { CertificateStatusReport } from '../../app/certificate-status.js';
import type { CaDirectory, CaEntry } from '../db/ca-store.js';
import { buildOcspResponse, issuerHashes, ocspErrorResponse, parseOcspRequest, type SingleAnswer } from './ocsp-codec.js';

export type OcspResponderDeps = Readonly<{
  cas: CaDirectory;
  statusOf(query: { serialHex: string; caId: string }): Promise<CertificateStatusReport>;
  clock: () => Date;
  /** nextUpdate − thisUpdate of every answer. */
  validityMs: number;
  /** Told about faults answered as tryLater (a log line). */
  onError?: (error: unknown) => void;
}>;

/** Whether a CA's certificate status is public (authentication) or for registered relying parties (signing). */
export const isPublicStatusCa = (ca: Pick<CaEntry, 'issues'>) => ca.issues === 'auth';

export type OcspResponder = (der: Uint8Array, authorize: () => Promise<boolean>) => Promise<Buffer>;

export function createOcspResponder(deps: OcspResponderDeps): OcspResponder {
  const hashes = new Map<string, { nameHash: string; keyHash: string }>();
  const keys = new WeakMap<CaEntry, KeyObject>();
  const hashesOf = (ca: CaEntry, hash: string) => {
    const cacheKey = `${ca.id}:${hash}`;
    let entry = hashes.get(cacheKey);
    if (!entry) hashes.set(cacheKey, (entry = issuerHashes(ca.material.certDer, hash)));
    return entry;
  };
  const keyOf = (ca: CaEntry) => {
    let key = keys.get(ca);
    if (!key) keys.set(ca, (key = createPrivateKey({ key: ca.material.privateKeyPkcs8, format: 'der', type: 'pkcs8' })));
    return key;
  };

  return async (der, authorize) => {
    const request = parseOcspRequest(der);
    if (!request) return ocspErrorResponse('malformedRequest');
    try {
      const cas = await deps.cas.all();
      const matched = request.queries.map((q) => {
        if (!q.hash) return null;
        const hash = q.hash;
        return cas.find((ca) => {
          const h = hashesOf(ca, hash);
          return h.nameHash === q.issuerNameHash && h.keyHash === q.issuerKeyHash;
        }) ?? null;
      });
      // One response has one signer. The CA of the first request Kagiya knows signs it; RFC 5019 §2.2.3: a request
      // about no CA we run is unauthorized.
      const signer = matched.find((ca) => ca !== null);
      if (!signer) return ocspErrorResponse('unauthorized');
      // The signing CA's status is for registered relying parties only (docs/decisions.md), as in JPKI.
      if (matched.some((ca) => ca !== null && !isPublicStatusCa(ca)) && !(await authorize())) return ocspErrorResponse('unauthorized');
      const answers: SingleAnswer[] = [];
      for (const [i, q] of request.queries.entries()) {
        const ca = matched[i];
        // A certificate of another CA than the signer's is unknown to this signer.
        if (!ca || ca.id !== signer.id) {
          answers.push({ certId: q.certId, status: { state: 'unknown' } });
          continue;
        }
        const report = await deps.statusOf({ serialHex: q.serialHex, caId: ca.id });
        answers.push({ certId: q.certId, status: report.status });
      }
      return buildOcspResponse({
        answers,
        signer: { key: keyOf(signer), algorithm: signer.algorithm, caCertDer: signer.material.certDer },
        nonce: request.nonce,
        now: deps.clock(),
        validityMs: deps.validityMs,
      });
    } catch (error) {
      deps.onError?.(error);
      // The store could not answer (fail closed): the client asks again later; nothing is called good.
      return ocspErrorResponse('tryLater');
    }
  };
}
