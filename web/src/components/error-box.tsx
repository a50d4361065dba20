import { ApiError } from '../api/client';
import { useLang } from '../i18n/lang';
import type { Bilingual } from '../api/types';
import { slotName } from '../labels';
import { isPinSlot } from '@domain/pin-slot';
import { hasKey } from '../i18n/has-key';
import type { Key } from '../i18n/dictionary';

/** A refusal, in the language on screen, with what the API says to do about it (slot, rule, what is missing). */
export function ErrorBox({ error, id }: { error: unknown; id?: string }) {
  const { t, tv, lang, pick } = useLang();
  if (!error) return null;
  if (!(error instanceof ApiError)) {
    return (
      <div className="alert alert-danger" role="alert" id={id}>
        <p className="alert-title">{t('errorTitle')}</p>
        <p>{t('networkError')}</p>
      </div>
    );
  }
  const d = error.details;
  const needed = d.needed as Bilingual | undefined;
  const slot = typeof d.slot === 'string' && isPinSlot(d.slot) ? d.slot : null;
  const rule = typeof d.rule === 'string' ? d.rule : null;
  const remaining = typeof d.remaining === 'number' ? d.remaining : null;
  // Where the console has words for the clerk about this refusal (say, a card of another resident), they replace
  // the resident-facing message.
  const staffKey = typeof d.reason === 'string' ? `errorFor_${error.code}_${d.reason}` : '';
  const message = staffKey && hasKey(staffKey) ? t(staffKey as Key) : pick(error.messages);
  return (
    <div className="alert alert-danger" role="alert" id={id} data-error-code={error.code}>
      {/* The code stays in data-error-code for support; people read words, never a raw code. */}
      <p className="alert-title">{t('errorTitle')}</p>
      <p>{message}</p>
      {needed && <p className="alert-strong">{pick(needed)}</p>}
      {slot && <p className="alert-strong">{t('errorSlot', { slot: slotName(slot, lang) })}</p>}
      {rule && error.code === 'PIN_WEAK' && <p>{t('errorRule', { rule: tv('weak_', rule) })}</p>}
      {remaining !== null && error.code === 'LETTER_CODE_INVALID' && <p className="alert-strong">{t('codeRemaining', { n: remaining })}</p>}
    </div>
  );
}
