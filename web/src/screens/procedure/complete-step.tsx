import { useState, type FormEvent } from 'react';
import { normalizePin } from '@domain/pin-format';
import type { PinSlot } from '@domain/pin-slot';
import { ApiError, post } from '../../api/client';
import type { Procedure } from '../../api/types';
import { ErrorBox } from '../../components/error-box';
import { Field } from '../../components/field';
import { useLang } from '../../i18n/lang';
import { slotName, slotShortKey } from '../../labels';

/** Letter path, last step: the PINs the holder wrote in the concealed area of the sealed answer. */
export function CompleteStep({ procedure, onChange }: { procedure: Procedure; onChange(p: Procedure): void }) {
  const { t, lang } = useLang();
  const [pins, setPins] = useState<Partial<Record<PinSlot, string>>>({});
  const [shown, setShown] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [badSlots, setBadSlots] = useState<Set<PinSlot>>(new Set());

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    // A malformed PIN is caught here, with the same rule the server applies; no request is needed to say so.
    const bad = new Set(procedure.slots.filter((s) => normalizePin(s, pins[s] ?? '').kind !== 'ok'));
    setBadSlots(bad);
    if (bad.size > 0) return;
    setBusy(true);
    try {
      const next = await post<Procedure>(`/api/v1/counter/procedures/${procedure.id}/complete`, { pins });
      setPins({});
      onChange(next);
    } catch (err) {
      setError(err);
      const slot = err instanceof ApiError ? err.details.slot : null;
      if (typeof slot === 'string') setBadSlots(new Set([slot as PinSlot]));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel form-stack step-panel" onSubmit={submit} aria-labelledby="complete-title" autoComplete="off">
      <h2 id="complete-title" className="panel-title">
        {t('completeTitle')}
      </h2>
      <p className="lead">{t('completeLead')}</p>
      <div className="pin-fields">
        {procedure.slots.map((slot) => (
          <Field
            key={slot}
            label={t(slotShortKey(slot))}
            hint={t('pinHint', { slot: slotName(slot, lang), format: slot === 'sign' ? t('pinFormatSign') : t('pinFormat4') })}
            hintClass={badSlots.has(slot) ? 'field-hint text-danger' : 'field-hint'}
          >
            {(f) => (
              <input
                {...f}
                name={`pin-${slot}`}
                type={shown ? 'text' : 'password'}
                className="input-code"
                inputMode={slot === 'sign' ? 'text' : 'numeric'}
                autoCapitalize={slot === 'sign' ? 'characters' : 'off'}
                autoComplete="off"
                spellCheck={false}
                maxLength={slot === 'sign' ? 16 : 4}
                value={pins[slot] ?? ''}
                aria-invalid={badSlots.has(slot)}
                onChange={(e) => setPins({ ...pins, [slot]: slot === 'sign' ? e.target.value.toUpperCase() : e.target.value.replace(/\D/g, '') })}
              />
            )}
          </Field>
        ))}
      </div>
      <label className="check">
        <input type="checkbox" checked={shown} onChange={(e) => setShown(e.target.checked)} />
        <span>{t('show')}</span>
      </label>
      <ErrorBox error={error} />
      <div className="actions">
        <button type="submit" className="button button-primary button-large" disabled={busy}>
          {busy ? t('setting') : t('setPins')}
        </button>
      </div>
    </form>
  );
}
