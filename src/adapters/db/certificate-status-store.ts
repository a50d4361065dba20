import type { CertificateStatusRecord, CertificateStatusStore } from '../../app/certificate-status.js';
import { isCrlReason } from '../../domain/revocation.js';
import type { Db } from './create-db.js';

/** Reads the stored row on every call (serial_hex is unique and indexed): OCSP and login see a change at once. */
export function createCertificateStatusStore(db: Db): CertificateStatusStore {
  return {
    async findBySerial(serialHex): Promise<CertificateStatusRecord | null> {
      const row = await db
        .selectFrom('certificates')
        .select(['ca_id', 'kind', 'card_id', 'serial_hex', 'status', 'status_changed_at', 'crl_reason', 'not_before', 'not_after'])
        .where('serial_hex', '=', serialHex)
        .executeTakeFirst();
      if (!row || row.ca_id === null) return null;
      return {
        caId: row.ca_id,
        kind: row.kind,
        cardId: row.card_id,
        serialHex: row.serial_hex,
        status: row.status,
        statusChangedAt: row.status_changed_at,
        crlReason: isCrlReason(row.crl_reason) ? row.crl_reason : null,
        notBefore: row.not_before,
        notAfter: row.not_after,
      };
    },
  };
}
