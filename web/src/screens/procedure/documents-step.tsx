import { useState, type FormEvent } from 'react';
import { post } from '../../api/client';
import type { MunicipalPolicy, Procedure } from '../../api/types';
import { ErrorBox } from '../../components/error-box';
import { useLang } from '../../i18n/lang';
import { DocumentChecklist, NOTHING_TICKED, presentedOf, type Ticked } from './document-checklist';
import { useAction } from '../../components/use-action';

export function DocumentsStep({ procedure, policy, onChange }: { procedure: Procedure; policy: MunicipalPolicy; onChange(p: Procedure): void }) {
  const { t } = useLang();
  const [ticked, setTicked] = useState<Ticked>(NOTHING_TICKED);
  const [holderPresent, setHolderPresent] = useState(procedure.applicantType === 'self');
  const { busy, error, run } = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      onChange(await post<Procedure>(`/api/v1/counter/procedures/${procedure.id}/documents`, { presented: presentedOf(ticked), holderPresent }));
    });
  };

  return (
    <form className="panel form-stack step-panel" onSubmit={submit} aria-labelledby="documents-title">
      <h2 id="documents-title" className="panel-title">
        {t('documentsTitle')}
      </h2>
      <DocumentChecklist policy={policy} applicantType={procedure.applicantType} ticked={ticked} onChange={setTicked} />
      <label className={`check check-wide ${holderPresent ? 'check-on' : ''}`}>
        <input type="checkbox" name="holderPresent" checked={holderPresent} onChange={(e) => setHolderPresent(e.target.checked)} />
        <span>{t('holderPresent')}</span>
      </label>
      <ErrorBox error={error} />
      <div className="actions">
        <button type="submit" className="button button-primary button-large" disabled={busy}>
          {busy ? t('recording') : t('recordDocuments')}
        </button>
      </div>
    </form>
  );
}
