// Signing a return with the card and checking a signed return, end to end:
//   sign:   signed attributes → Kagiya's card signs their digest (sign password, shared PIN path) → CMS
//   verify: CMS → signer certificate → its CA (caIssuers) → signature and chain (pkijs) → status (OCSP)
//           → the signer's name and address from the certificate (JPKI subjectAltName otherNames).
// A signature made before a move still verifies as a signature; it is refused because OCSP says revoked,
// with that reason — never as a lock.

import { readHolderFromSigningCertificate, type Holder } from '../../src/adapters/pki/card-certificates.js';
import type { CardFile } from '../shared/card-file.js';
import { signWithCard, type CallContext } from '../shared/kagiya-card-api.js';
import { refusal, type Refusal } from '../shared/refusal.js';
import { checkStatus, fetchIssuer, type StatusDeps } from './certificate-status.js';
import { assembleSignedData, prepareSignedAttributes } from './cms-signed-data.js';
import { readCms, verifyCms } from './cms-verify.js';

export type SigningDeps = StatusDeps & Readonly<{ kagiyaUrl: string; context: CallContext }>;

export type VerifiedReturn = Readonly<{
  content: Uint8Array;
  signer: Holder;
  signingTime: Date | null;
  certificateSerial: string;
  status: Readonly<{ checkedAt: Date; responderUrl: string }>;
}>;

export type Result<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

export async function signContent(deps: SigningDeps, input: { content: Uint8Array; card: CardFile; password: string; confirmLastTry?: boolean }): Promise<Result<Uint8Array>> {
  const prepared = prepareSignedAttributes(input.content, deps.now());
  const signed = await signWithCard({
    kagiyaUrl: deps.kagiyaUrl,
    fetch: deps.fetch,
    card: input.card,
    password: input.password,
    confirmLastTry: input.confirmLastTry === true,
    digest: prepared.digest,
    context: deps.context,
  });
  if (!signed.ok) return signed;
  return { ok: true, value: assembleSignedData({ content: input.content, prepared, ...signed.value }) };
}

export async function verifySignedReturn(deps: StatusDeps, cms: Uint8Array): Promise<Result<VerifiedReturn>> {
  const parsed = readCms(cms);
  if (!parsed) return { ok: false, refusal: refusal('SIGNATURE_INVALID') };
  const issuer = await fetchIssuer(deps, parsed.signerCertificate);
  if (!issuer.ok) return issuer;
  const checked = await verifyCms(cms, issuer.der, deps.now());
  if (!checked.ok) return { ok: false, refusal: refusal(checked.code) };
  let signer: Holder;
  try {
    signer = readHolderFromSigningCertificate(checked.signerCertificate);
  } catch {
    return { ok: false, refusal: refusal('NOT_A_SIGNING_CERTIFICATE') };
  }
  const status = await checkStatus(deps, checked.signerCertificate, issuer.der);
  if (!status.ok) return status;
  const serial = Buffer.from(parsed.signed.signerInfos[0]!.sid.serialNumber.valueBlock.valueHexView).toString('hex').replace(/^00/, '');
  return {
    ok: true,
    value: {
      content: checked.content,
      signer,
      signingTime: checked.signingTime,
      certificateSerial: serial,
      status: { checkedAt: deps.now(), responderUrl: status.responderUrl },
    },
  };
}
