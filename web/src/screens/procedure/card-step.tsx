import { useState, type ChangeEvent, type FormEvent } from 'react';
import { post } from '../../api/client';
import type { Procedure } from '../../api/types';
import { ErrorBox } from '../../components/error-box';
import { Field } from '../../components/field';
import { useLang } from '../../i18n/lang';
import { rememberedCard } from './remembered';
import { useAction } from '../../components/use-action';

/** The card is read. In this prototype the card is its card file: cardId and the secret cardKey. */
export function CardStep({ procedure, onChange }: { procedure: Procedure; onChange(p: Procedure): void }) {
  const { t } = useLang();
  const [cardId, setCardId] = useState(() => rememberedCard(procedure.id) ?? '');
  const [cardKey, setCardKey] = useState('');
  const { busy, error, run } = useAction();
  const [fileProblem, setFileProblem] = useState(false);

  const readFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    setFileProblem(false);
    try {
      const json = JSON.parse(await file.text()) as { cardId?: unknown; cardKey?: unknown };
      if (typeof json.cardId !== 'string' || typeof json.cardKey !== 'string') throw new Error('card file');
      setCardId(json.cardId);
      setCardKey(json.cardKey);
    } catch {
      setFileProblem(true);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      const next = await post<Procedure>(`/api/v1/counter/procedures/${procedure.id}/card`, { cardId: cardId.trim(), cardKey: cardKey.trim() });
      setCardKey('');
      onChange(next);
    });
  };

  return (
    <form className="panel form-stack step-panel" onSubmit={submit} aria-labelledby="card-step-title" autoComplete="off">
      <h2 id="card-step-title" className="panel-title">
        {t('cardStepTitle')}
      </h2>
      <p className="lead">{t('cardStepLead')}</p>
      <div className="grid-2">
        <Field label={t('cardId')}>
          {(f) => <input {...f} name="cardId" className="mono" value={cardId} onChange={(e) => setCardId(e.target.value)} required spellCheck={false} />}
        </Field>
        <Field label={t('cardKey')}>
          {(f) => <input {...f} name="cardKey" type="password" className="mono" value={cardKey} onChange={(e) => setCardKey(e.target.value)} required autoComplete="off" spellCheck={false} />}
        </Field>
      </div>
      <Field label={t('cardFile')} className="field-file">
        {(f) => <input {...f} type="file" accept="application/json,.json" onChange={readFile} />}
      </Field>
      {fileProblem && (
        <p className="alert alert-warning" role="alert">
          {t('cardFileInvalid')}
        </p>
      )}
      <ErrorBox error={error} />
      <div className="actions">
        <button type="submit" className="button button-primary button-large" disabled={busy || !cardId || !cardKey}>
          {busy ? t('checking') : t('presentCard')}
        </button>
      </div>
    </form>
  );
}
