import { useState, type FormEvent } from 'react';
import { post } from '../api/client';
import type { Diagnosis } from '../api/types';
import { ErrorBox } from '../components/error-box';
import { Field } from '../components/field';
import { formatDateTime } from '../format';
import { useLang } from '../i18n/lang';
import { useAction } from '../components/use-action';

// A card's risk hold at the counter: what set it off, since when, and the release after confirming the holder
// (POST …/risk-hold/release, audited). A hold is never a lock: no PIN is reset here.
export function RiskHoldPanel({ d, onReleased }: { d: Diagnosis; onReleased(): void }) {
  const { t, pick } = useLang();
  const [reason, setReason] = useState('');
  const { busy, error, run } = useAction();
  const hold = d.riskHold;
  if (!hold) return null;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      await post(`/api/v1/counter/cards/${d.card.cardId}/risk-hold/release`, { reason: reason.trim() });
      onReleased();
    });
  };
  return (
    <form className="panel panel-warning" onSubmit={submit} aria-labelledby="hold-title" data-testid="risk-hold">
      <h2 id="hold-title" className="panel-title">
        {t('holdTitle')}
      </h2>
      <p>
        {t('holdSince')}: {formatDateTime(hold.heldAt)} — {pick(hold.explanation)}
      </p>
      <ErrorBox error={error} />
      <Field label={t('holdReleaseReason')}>{(f) => <input {...f} name="holdReason" value={reason} maxLength={200} required onChange={(e) => setReason(e.target.value)} />}</Field>
      <button type="submit" className="button button-primary" disabled={busy || !reason.trim()} data-testid="release-hold">
        {t('holdRelease')}
      </button>
    </form>
  );
}
