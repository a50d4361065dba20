// The two certificates on a My Number Card (DOMAIN §2; jpki-facts §0 fact 7, §3.2):
//  - 利用者証明用 (user authentication, kind 'auth'): NO personal data. The subject CN is an opaque
//    serial, so logging in (portal, kiosk, health-insurance check) reveals nothing about the
//    holder, and the certificate survives a move.
//  - 署名用 (digital signature, kind 'sign'): carries name, address, birth date and sex in
//    subjectAltName otherNames under 1.2.392.200149.8.5.5.x, which is why it is revoked whenever
//    any of them changes.
// Each certificate gets its own fresh key pair. Private keys come back in clear PKCS#8; the caller
// seals them with a SecretBox before storing them.

import { AsnConvert } from '@peculiar/asn1-schema';
import {
  BasicConstraints,
  Certificate,
  DirectoryString,
  ExtendedKeyUsage,
  GeneralName,
  KeyUsage,
  KeyUsageFlags,
  OtherName,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  id_kp_clientAuth,
  type Extension,
} from '@peculiar/asn1-x509';
import { buildCertificate, directoryName, extension, keyIdentifier, parseSpki } from './certificate-builder.js';
import { CA_ORGANIZATION, loadCertificateAuthority, type CaMaterial } from './certificate-authority.js';
import { randomSerialHex, toWholeSecond } from './certificate-fields.js';
import { generateKeyPairDer } from './key-pair.js';
import type { KeyAlgorithm } from './key-algorithm.js';
import { statusExtensions, type StatusUrls } from './status-urls.js';

export type Holder = {
  name: string;
  nameKana: string;
  address: string;
  birthDate: string /* YYYY-MM-DD */;
  sex: 'male' | 'female' | 'other';
};

export type CertificateKind = 'auth' | 'sign';

export type IssuedCertificate = {
  kind: CertificateKind;
  certDer: Buffer;
  privateKeyPkcs8: Buffer;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
};

// JPKI otherName type-ids (jpki-facts §3.2, majority mapping; one registry disagrees).
// The real card puts "substitute characters of the name" under .2; Kagiya puts the kana reading there.
export const JPKI_OTHER_NAME_OID = {
  name: '1.2.392.200149.8.5.5.1',
  nameKana: '1.2.392.200149.8.5.5.2',
  sex: '1.2.392.200149.8.5.5.3',
  birthDate: '1.2.392.200149.8.5.5.4',
  address: '1.2.392.200149.8.5.5.5',
} as const;

type HolderField = keyof typeof JPKI_OTHER_NAME_OID;
const HOLDER_FIELDS = Object.keys(JPKI_OTHER_NAME_OID) as HolderField[];

const OU_BY_KIND: Record<CertificateKind, string> = {
  auth: 'User Authentication',
  sign: 'Digital Signature',
};

const SEXES: readonly string[] = ['male', 'female', 'other'] satisfies Holder['sex'][];
const BIRTH_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export async function issueCertificate(opts: {
  ca: CaMaterial;
  kind: CertificateKind;
  algorithm: KeyAlgorithm;
  holder: Holder;
  notBefore: Date;
  notAfter: Date;
  /** Where relying services find the issuer and the status (AIA and CRLDP); every card certificate has them. */
  statusUrls?: StatusUrls;
}): Promise<IssuedCertificate> {
  const notBefore = toWholeSecond(opts.notBefore);
  const notAfter = toWholeSecond(opts.notAfter);
  if (notAfter <= notBefore) throw new RangeError('notAfter must be after notBefore');
  if (opts.kind === 'sign') assertHolder(opts.holder);

  const ca = loadCertificateAuthority(opts.ca);
  const { spkiDer, pkcs8Der } = await generateKeyPairDer(opts.algorithm);
  const spki = parseSpki(spkiDer);
  const serialHex = randomSerialHex();

  // RFC 5280 §4.2.1.3: keyUsage SHOULD be critical. nonRepudiation (contentCommitment) marks the
  // signing key as the one for signatures the holder commits to; OpenSC flags the JPKI signing
  // key NONREPUDIATION (jpki-facts §6.5).
  const usage =
    opts.kind === 'sign' ? KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation : KeyUsageFlags.digitalSignature;

  const extensions: Extension[] = [
    // RFC 5280 §4.2.1.9: an end-entity certificate; cA defaults to false (empty SEQUENCE in DER).
    extension(id_ce_basicConstraints, true, new BasicConstraints()),
    extension(id_ce_keyUsage, true, new KeyUsage(usage)),
    // RFC 5280 §4.2.1.1: AKI keyIdentifier MUST match the issuer's subjectKeyIdentifier.
    extension(id_ce_authorityKeyIdentifier, false, ca.authorityKeyIdentifier),
    // RFC 5280 §4.2.1.2: SHOULD be present in end-entity certificates too.
    extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyIdentifier(spki))),
  ];
  if (opts.kind === 'auth') {
    // RFC 5280 §4.2.1.12: the auth key is for client-authentication logins only.
    extensions.push(extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage([id_kp_clientAuth])));
  } else {
    extensions.push(holderAltNames(opts.holder));
  }
  if (opts.statusUrls) extensions.push(...statusExtensions(opts.statusUrls));

  const certDer = buildCertificate({
    serialHex,
    // The issuer is the CA's subject as parsed from its certificate, so name chaining
    // (RFC 5280 §7.1) compares equal byte for byte.
    issuer: ca.subject,
    // Nothing personal in the subject for either kind: the CN is the serial, opaque as on the real
    // auth certificate (jpki-facts §3.2).
    subject: directoryName({ C: 'JP', O: CA_ORGANIZATION, OU: OU_BY_KIND[opts.kind], CN: serialHex }),
    notBefore,
    notAfter,
    spki,
    extensions,
    signer: { key: ca.signingKey, algorithm: ca.algorithm },
  });

  return { kind: opts.kind, certDer, privateKeyPkcs8: pkcs8Der, serialHex, notBefore, notAfter };
}

function assertHolder(holder: Holder): void {
  for (const field of ['name', 'nameKana', 'address'] as const) {
    if (holder[field].trim() === '') throw new RangeError(`holder.${field} must not be empty`);
  }
  if (!BIRTH_DATE.test(holder.birthDate)) throw new RangeError('holder.birthDate must be YYYY-MM-DD');
  if (!SEXES.includes(holder.sex)) throw new RangeError('holder.sex must be male, female or other');
}

// Values are UTF8String (RFC 5280 §4.1.2.4 prefers it for new text), so Japanese names and
// addresses are carried as they are. Birth date and sex keep Holder's own form (YYYY-MM-DD,
// male/female/other): the J-LIS encodings are not publicly confirmed (jpki-facts §3.2).
function holderAltNames(holder: Holder): Extension {
  const otherNames = HOLDER_FIELDS.map(
    (field) =>
      new GeneralName({
        otherName: new OtherName({
          typeId: JPKI_OTHER_NAME_OID[field],
          value: AsnConvert.serialize(new DirectoryString({ utf8String: holder[field] })),
        }),
      }),
  );
  // RFC 5280 §4.2.1.6: non-critical, because the subject DN is not empty.
  return extension(id_ce_subjectAltName, false, new SubjectAlternativeName(otherNames));
}

/**
 * Reads the holder's name, kana name, address, birth date and sex back from a signing
 * certificate's subjectAltName otherNames. Throws if any is missing (e.g. an auth certificate).
 * Checks neither signature nor validity: a relying service verifies chain and status first.
 */
export function readHolderFromSigningCertificate(der: Uint8Array): Holder {
  const cert = AsnConvert.parse(der, Certificate);
  const ext = cert.tbsCertificate.extensions?.find((e) => e.extnID === id_ce_subjectAltName);
  if (ext === undefined) throw new Error('certificate has no subjectAltName: not a signing certificate');

  const values = new Map<string, string>();
  for (const gn of AsnConvert.parse(ext.extnValue, SubjectAlternativeName)) {
    if (gn.otherName === undefined) continue;
    values.set(gn.otherName.typeId, AsnConvert.parse(gn.otherName.value, DirectoryString).toString());
  }
  const get = (field: HolderField): string => {
    const v = values.get(JPKI_OTHER_NAME_OID[field]);
    if (v === undefined) throw new Error(`signing certificate lacks ${field} (${JPKI_OTHER_NAME_OID[field]})`);
    return v;
  };

  const sex = get('sex');
  if (!SEXES.includes(sex)) throw new Error('signing certificate has an unknown sex value');
  return {
    name: get('name'),
    nameKana: get('nameKana'),
    address: get('address'),
    birthDate: get('birthDate'),
    sex: sex as Holder['sex'],
  };
}
