import { z } from '@hono/zod-openapi';
import { ERROR_CODES } from '../../domain/errors.js';
import { PIN_SLOTS } from '../../domain/pin-slot.js';

export const ErrorResponse = z
  .object({
    error: z
      .object({
        code: z.enum(ERROR_CODES),
        message: z.string().openapi({ description: 'In the requested language (Japanese by default)' }),
        messages: z.object({ ja: z.string(), en: z.string() }),
        slot: z.enum(PIN_SLOTS).optional(),
        remaining: z.number().int().optional(),
      })
      .passthrough(),
  })
  .openapi('Error');

export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [s, { description: 'Error (see code)', content: { 'application/json': { schema: ErrorResponse } } }]),
  );

export const SlotParam = z.enum(PIN_SLOTS).openapi({ param: { name: 'slot', in: 'path' } });
export const CardIdParam = z.string().max(64).openapi({ param: { name: 'cardId', in: 'path' }, example: '0b6f0a36-3f43-4b0e-9a43-6bb2a1c1f6a1' });
export const CardKeyHeader = z.object({
  'x-card-key': z.string().optional().openapi({ description: 'The card key from the card file (proof of holding the card)' }),
});

/**
 * The same header, documented only: a route that states it in `parameters` instead of `request.headers` gets no
 * header validator (which copies every request header into an object and parses it with zod on each request, for
 * a value `cardAccess` checks anyway). The PIN and status routes are the hot path (issue #8).
 */
export const CARD_KEY_PARAMETER = {
  name: 'x-card-key',
  in: 'header',
  required: false,
  description: 'The card key from the card file (proof of holding the card)',
  schema: { type: 'string' },
} as const;

const SlotStatus = z.object({
  remaining: z.number().int(),
  max: z.number().int(),
  locked: z.boolean(),
  lockedAt: z.string().datetime().nullable(),
});
const CertificateStatus = z.object({
  status: z.enum(['valid', 'expired', 'revoked', 'suspended', 'absent']),
  notAfter: z.string().datetime().nullable(),
  serialNumber: z.string().nullable(),
  statusChangedAt: z.string().datetime().nullable(),
  reason: z.string().nullable(),
});
export const CardStatusResponse = z
  .object({
    cardId: z.string(),
    status: z.enum(['active', 'suspended', 'revoked', 'expired']),
    issuedAt: z.string().datetime(),
    expiresAt: z.string().datetime(),
    pins: z.object({
      auth: SlotStatus.nullable(),
      sign: SlotStatus.nullable().openapi({ description: 'null when the card has no signing slot (under 15, adult ward)' }),
      assist: SlotStatus.nullable(),
      juki: SlotStatus.nullable(),
    }),
    certificates: z.object({ auth: CertificateStatus, sign: CertificateStatus }),
  })
  .openapi('CardStatus');

/** Every body that carries a PIN may carry the holder's answer to "use the last try?" (issue #11, last-try guard). */
export const ConfirmLastTry = z.boolean().optional().openapi({
  description:
    'true only after the person was asked and confirmed spending the last try. Without it, an entry at one try left is refused with LAST_TRY_CONFIRMATION_REQUIRED (428) and spends nothing. Never set it by default or on an automatic retry.',
});
export const PinBody = z.object({ pin: z.string().max(256), confirmLastTry: ConfirmLastTry }).openapi('PinEntry');
export const VerifyResponse = z.object({ slot: z.enum(PIN_SLOTS), remaining: z.number().int() }).openapi('VerifyResult');
export const SignatureResponse = z
  .object({
    signature: z.string().openapi({ description: 'base64' }),
    certificate: z.string().openapi({ description: 'DER, base64' }),
    algorithm: z.string(),
  })
  .openapi('Signature');

export const CardEventSchema = z
  .object({
    id: z.number().int(),
    occurredAt: z.string().datetime(),
    operation: z.string(),
    slot: z.enum(PIN_SLOTS).nullable(),
    result: z.enum(['success', 'incorrect', 'refused', 'done', 'held', 'released']).openapi({
      description: 'success: the slot was restored; incorrect: one try spent; refused: nothing spent (see code); done: a non-PIN step',
    }),
    code: z.string().nullable(),
    remainingAfter: z.number().int().nullable(),
    channel: z.string().nullable(),
    service: z.string().nullable(),
    terminal: z.string().nullable(),
    actor: z.string().nullable(),
  })
  .openapi('CardEvent');

/** A real calendar date, YYYY-MM-DD (1980-02-30 is refused here, before it can reach SQL). */
export const CalendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((value) => {
    const [y, m, d] = value.split('-').map(Number) as [number, number, number];
    const date = new Date(Date.UTC(y, m - 1, d));
    return y >= 1800 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  }, 'not a calendar date')
  .openapi({ format: 'date', example: '1980-05-14' });
