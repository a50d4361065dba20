import { post } from '../../api/client';
import type { Letter, Procedure, ResponseOf } from '../../api/types';
import { Badge } from '../../components/badge';
import { ErrorBox } from '../../components/error-box';
import { formatDate, formatDateTime } from '../../format';
import { useLang } from '../../i18n/lang';
import { useAction } from '../../components/use-action';

/** Visit 1 of the letter path: the inquiry letter is issued and queued for mailing to the registered address. */
export function LetterIssueStep({ procedure, onIssued }: { procedure: Procedure; onIssued(p: Procedure, letter: Letter): void }) {
  const { t } = useLang();
  const { busy, error, run } = useAction();
  const issue = async () => {
    await run(async () => {
      const r = await post<ResponseOf<'/api/v1/counter/procedures/{procedureId}/letter', 'post'>>(`/api/v1/counter/procedures/${procedure.id}/letter`);
      onIssued(r.procedure, r.letter);
    });
  };
  return (
    <section className="panel step-panel" aria-labelledby="letter-step-title">
      <h2 id="letter-step-title" className="panel-title">
        {t('letterTitle')}
      </h2>
      <p className="lead">{t('issueLetterLead')}</p>
      <ErrorBox error={error} />
      <div className="actions">
        <button type="button" className="button button-primary button-large" onClick={issue} disabled={busy} data-testid="issue-letter">
          {busy ? t('issuing') : t('issueLetter')}
        </button>
      </div>
    </section>
  );
}

export const letterTone = (status: Letter['status']) =>
  status === 'answered' ? 'ok' : status === 'mailed' ? 'info' : status === 'queued' ? 'warning' : status === 'undeliverable' ? 'danger' : 'muted';

export function LetterInfo({ letter }: { letter: Letter }) {
  const { t, tv } = useLang();
  return (
    <section className="panel letter-info" aria-labelledby="letter-info-title" data-testid="letter-info">
      <h2 id="letter-info-title" className="panel-title">
        {t('letterTitle')}
      </h2>
      <dl className="facts">
        <dt>{t('referenceNumber')}</dt>
        <dd className="mono" data-testid="letter-reference">
          {letter.referenceNumber}
        </dd>
        <dt>{t('letterStatus')}</dt>
        <dd>
          <Badge tone={letterTone(letter.status)}>{tv('letter_', letter.status)}</Badge>
        </dd>
        <dt>{t('colIssued')}</dt>
        <dd className="mono">{formatDateTime(letter.issuedAt)}</dd>
        <dt>{t('deadline')}</dt>
        <dd className="mono strong" data-testid="letter-deadline">
          {formatDate(letter.deadline)}
        </dd>
        <dt>{t('letterAddress')}</dt>
        <dd>
          {letter.holderName}
          <br />
          {letter.address}
        </dd>
      </dl>
      <p>
        <a className="button button-secondary" href={letter.pdfUrl} target="_blank" rel="noopener" data-testid="letter-pdf">
          {t('openPdf')} ↗
        </a>
      </p>
    </section>
  );
}
