import { useState, type FormEvent } from 'react';
import { post } from '../../api/client';
import type { MunicipalPolicy, Procedure } from '../../api/types';
import { ErrorBox } from '../../components/error-box';
import { Field } from '../../components/field';
import { useLang } from '../../i18n/lang';
import { DocumentChecklist, NOTHING_TICKED, presentedOf, type Ticked } from './document-checklist';
import { useAction } from '../../components/use-action';

/** Visit 2: the sealed answer's one-time code and the proxy's own ID, checked again. */
export function AnswerStep({ procedure, policy, onChange }: { procedure: Procedure; policy: MunicipalPolicy; onChange(p: Procedure): void }) {
  const { t } = useLang();
  const [code, setCode] = useState('');
  const [ticked, setTicked] = useState<Ticked>(NOTHING_TICKED);
  const { busy, error, run } = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      onChange(await post<Procedure>(`/api/v1/counter/procedures/${procedure.id}/answer`, { code: code.trim(), presented: presentedOf(ticked) }));
    });
  };

  return (
    <form className="panel form-stack step-panel" onSubmit={submit} aria-labelledby="answer-title" autoComplete="off">
      <h2 id="answer-title" className="panel-title">
        {t('answerTitle')}
      </h2>
      <p className="lead">{t('answerLead')}</p>
      <Field label={t('letterCode')} className="field-narrow">
        {(f) => <input {...f} name="letterCode" className="input-code" value={code} maxLength={20} onChange={(e) => setCode(e.target.value)} required spellCheck={false} />}
      </Field>
      <DocumentChecklist policy={policy} applicantType={procedure.applicantType} ticked={ticked} onChange={setTicked} />
      <ErrorBox error={error} />
      <div className="actions">
        <button type="submit" className="button button-primary button-large" disabled={busy || !code.trim()}>
          {busy ? t('checking') : t('verifyAnswer')}
        </button>
      </div>
    </form>
  );
}
