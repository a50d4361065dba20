import { useState, type FormEvent } from 'react';
import { get, post } from '../api/client';
import type { ResidentHit } from '../api/types';
import { Badge } from '../components/badge';
import { ErrorBox } from '../components/error-box';
import { Field } from '../components/field';
import { useLang } from '../i18n/lang';
import { formatDate } from '../format';
import { Link, paths } from '../router';

// The last results survive going to a diagnosis and back (in memory only; never the My Number typed).
let lastResults: ResidentHit[] | null = null;
let lastQuery = '';

export function SearchScreen() {
  const { t } = useLang();
  const [query, setQuery] = useState(lastQuery);
  const [myNumber, setMyNumber] = useState('');
  const [results, setResults] = useState<ResidentHit[] | null>(lastResults);
  const [busy, setBusy] = useState<'name' | 'number' | null>(null);
  const [error, setError] = useState<unknown>(null);

  const run = async (kind: 'name' | 'number', call: () => Promise<{ residents: ResidentHit[] }>) => {
    setBusy(kind);
    setError(null);
    try {
      const r = await call();
      lastResults = r.residents;
      setResults(r.residents);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  const byName = (e: FormEvent) => {
    e.preventDefault();
    lastQuery = query.trim();
    if (lastQuery) void run('name', () => get(`/api/v1/counter/residents?q=${encodeURIComponent(lastQuery)}`));
  };
  const byNumber = (e: FormEvent) => {
    e.preventDefault();
    // Sent in the body only, never in a URL; cleared from the screen once sent.
    const digits = myNumber.replace(/[\s-]/g, '');
    setMyNumber('');
    if (digits) void run('number', () => post('/api/v1/counter/residents/search', { myNumber: digits }));
  };

  return (
    <>
      <h1 className="page-title">{t('searchTitle')}</h1>
      <div className="search-forms">
        <form className="panel form-inline" onSubmit={byName} role="search" aria-label={t('searchByName')}>
          <h2 className="panel-title">{t('searchByName')}</h2>
          <Field label={t('nameQuery')} hint={t('nameQueryHint')}>
            {(f) => <input {...f} name="q" value={query} maxLength={50} onChange={(e) => setQuery(e.target.value)} autoFocus />}
          </Field>
          <button type="submit" className="button button-primary" disabled={busy !== null}>
            {busy === 'name' ? t('searching') : t('search')}
          </button>
        </form>
        <form className="panel form-inline" onSubmit={byNumber} role="search" aria-label={t('searchByMyNumber')} autoComplete="off">
          <h2 className="panel-title">{t('searchByMyNumber')}</h2>
          <Field label={t('myNumber')} hint={t('myNumberHint')}>
            {(f) => (
              <input
                {...f}
                name="myNumber"
                inputMode="numeric"
                autoComplete="off"
                maxLength={16}
                value={myNumber}
                onChange={(e) => setMyNumber(e.target.value.replace(/[^\d\s-]/g, ''))}
                className="input-code"
              />
            )}
          </Field>
          <button type="submit" className="button button-primary" disabled={busy !== null}>
            {busy === 'number' ? t('searching') : t('search')}
          </button>
        </form>
      </div>
      <ErrorBox error={error} />
      {results && <ResultList results={results} />}
    </>
  );
}

function ResultList({ results }: { results: ResidentHit[] }) {
  const { t, tv } = useLang();
  if (results.length === 0) return <p className="empty" role="status">{t('noResults')}</p>;
  const now = Date.now();
  return (
    <section className="panel" aria-live="polite">
      <h2 className="panel-title">
        {t('resultsCount', { n: results.length })}
      </h2>
      <div className="table-wrap">
        <table className="table" data-testid="resident-results">
          <thead>
            <tr>
              <th scope="col">{t('colName')}</th>
              <th scope="col">{t('colMyNumber')}</th>
              <th scope="col">{t('colBirthDate')}</th>
              <th scope="col">{t('colAddress')}</th>
              <th scope="col">{t('colCards')}</th>
            </tr>
          </thead>
          <tbody>
            {results.map((r) => (
              <tr key={r.id}>
                <td>
                  <span className="name">{r.name}</span>
                  <span className="kana">{r.nameKana}</span>
                </td>
                <td className="mono">{r.myNumberMasked}</td>
                <td className="mono nowrap">{r.birthDate}</td>
                <td>{r.address}</td>
                <td>
                  {r.cards.length === 0 && <span className="muted">{t('noCard')}</span>}
                  <ul className="card-list">
                    {r.cards.map((c) => {
                      const state = c.status === 'active' && new Date(c.expiresAt).getTime() < now ? 'expired' : c.status;
                      return (
                        <li key={c.cardId}>
                          <Link className="button button-secondary button-small" href={paths.diagnosis(c.cardId)} data-card-id={c.cardId}>
                            {t('diagnose')}
                          </Link>
                          <Badge tone={state === 'active' ? 'ok' : state === 'revoked' ? 'muted' : 'warning'}>{tv('card_', state)}</Badge>
                          <span className="muted small">{t('cardExpires', { date: formatDate(c.expiresAt) })}</span>
                        </li>
                      );
                    })}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
