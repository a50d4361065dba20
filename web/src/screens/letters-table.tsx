import { useState } from 'react';
import { post } from '../api/client';
import type { Letter } from '../api/types';
import { Badge } from '../components/badge';
import { ErrorBox } from '../components/error-box';
import { formatDate, formatDateTime } from '../format';
import { useLang } from '../i18n/lang';
import { Link, paths } from '../router';
import { letterTone } from './procedure/letter-step';

export function LettersTable({ letters, onChanged }: { letters: readonly Letter[]; onChanged(): void }) {
  const { t } = useLang();
  const [error, setError] = useState<unknown>(null);
  return (
    <section className="panel" aria-labelledby="letters-title">
      <h2 id="letters-title" className="panel-title">
        {t('lettersTitle')} <span className="muted small">{t('resultsCount', { n: letters.length })}</span>
      </h2>
      <ErrorBox error={error} />
      {letters.length === 0 ? (
        <p className="muted">{t('noLetters')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="letters">
            <thead>
              <tr>
                <th scope="col">{t('colReference')}</th>
                <th scope="col">{t('colHolder')}</th>
                <th scope="col">{t('letterStatus')}</th>
                <th scope="col">{t('colIssued')}</th>
                <th scope="col">{t('colDeadline')}</th>
                <th scope="col">{t('colActions')}</th>
              </tr>
            </thead>
            <tbody>
              {letters.map((l) => (
                <LetterRow key={l.id} letter={l} onChanged={onChanged} onError={setError} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function LetterRow({ letter: l, onChanged, onError }: { letter: Letter; onChanged(): void; onError(e: unknown): void }) {
  const { t, tv } = useLang();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const mark = async (status: 'mailed' | 'undeliverable') => {
    setBusy(true);
    onError(null);
    try {
      await post(`/api/v1/counter/letters/${l.id}/${status}`);
      onChanged();
    } catch (err) {
      onError(err);
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };
  return (
    <tr data-letter-id={l.id}>
      <td className="mono nowrap">
        <Link href={paths.procedure(l.procedureId)}>{l.referenceNumber}</Link>
      </td>
      <td>
        <span className="name">{l.holderName}</span>
        <span className="muted small block">{l.address}</span>
      </td>
      <td>
        <Badge tone={letterTone(l.status)}>{tv('letter_', l.status)}</Badge>
      </td>
      <td className="mono nowrap">{formatDateTime(l.issuedAt)}</td>
      <td className="mono nowrap strong">{formatDate(l.deadline)}</td>
      <td>
        {confirming ? (
          <div className="confirm-inline" role="alertdialog" aria-label={t('markUndeliverable')}>
            <p className="small">{t('undeliverableConfirm')}</p>
            <button type="button" className="button button-danger button-small" disabled={busy} onClick={() => mark('undeliverable')}>
              {t('markUndeliverable')}
            </button>
            <button type="button" className="button button-ghost button-small" onClick={() => setConfirming(false)}>
              {t('dontDoIt')}
            </button>
          </div>
        ) : (
          <div className="row-actions">
            <a className="button button-ghost button-small" href={l.pdfUrl} target="_blank" rel="noopener">
              {t('pdf')} ↗
            </a>
            {l.status === 'queued' && (
              <button type="button" className="button button-secondary button-small" disabled={busy} onClick={() => mark('mailed')} data-testid="mark-mailed">
                {t('markMailed')}
              </button>
            )}
            <button type="button" className="button button-danger-ghost button-small" disabled={busy} onClick={() => setConfirming(true)}>
              {t('markUndeliverable')}
            </button>
          </div>
        )}
      </td>
    </tr>
  );
}
