import { useState, type FormEvent } from 'react';
import { post } from '../../api/client';
import type { Procedure } from '../../api/types';
import { ErrorBox } from '../../components/error-box';
import { Field } from '../../components/field';
import { useLang } from '../../i18n/lang';
import { useAction } from '../../components/use-action';

export function CancelForm({ procedure, onChange }: { procedure: Procedure; onChange(p: Procedure): void }) {
  const { t } = useLang();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const { busy, error, run } = useAction();

  if (!open) {
    return (
      <div className="cancel-row">
        <button
          type="button"
          className="button button-danger-ghost"
          onClick={() => {
            setReason(t('cancelReasonDefault'));
            setOpen(true);
          }}
        >
          {t('cancelProcedure')}
        </button>
      </div>
    );
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      onChange(await post<Procedure>(`/api/v1/counter/procedures/${procedure.id}/cancel`, { reason: reason.trim() }));
      setOpen(false);
    });
  };
  return (
    <form className="panel panel-danger form-stack" onSubmit={submit}>
      <Field label={t('cancelReason')}>
        {(f) => <input {...f} name="cancelReason" value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} required autoFocus />}
      </Field>
      <ErrorBox error={error} />
      <div className="actions">
        <button type="submit" className="button button-danger" disabled={busy || !reason.trim()}>
          {t('cancelConfirm')}
        </button>
        <button type="button" className="button button-ghost" onClick={() => setOpen(false)}>
          {t('cancelKeep')}
        </button>
      </div>
    </form>
  );
}
