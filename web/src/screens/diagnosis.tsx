import { get } from '../api/client';
import type { Diagnosis } from '../api/types';
import { ErrorBox } from '../components/error-box';
import { RichText } from '../components/rich-text';
import { Loading } from '../components/loading';
import { useLoad } from '../components/use-load';
import { useLang } from '../i18n/lang';
import { VERDICT_TONE } from '../labels';
import { Link, paths } from '../router';
import { AttemptsTable, SourcesTable } from './diagnosis-tables';
import { CardFacts, CertificatesPanel, FindingsList, SlotsGrid } from './diagnosis-parts';
import { ResidentSummary } from './resident-summary';
import { ClientReportsPanel } from './client-reports-panel';
import { RiskHoldPanel } from './risk-hold-panel';

export function DiagnosisScreen({ cardId }: { cardId: string }) {
  const { t } = useLang();
  const load = useLoad(cardId, () => get<Diagnosis>(`/api/v1/counter/cards/${cardId}/diagnosis`));
  if (!load.data) return load.error ? <ErrorBox error={load.error} /> : <Loading />;
  const d = load.data;
  return (
    <>
      <div className="page-head">
        <h1 className="page-title">{t('diagnosisTitle')}</h1>
        <button type="button" className="button button-ghost" onClick={load.reload} disabled={load.loading}>
          {t('refresh')}
        </button>
      </div>
      <ResidentSummary resident={d.resident} />
      <Verdict d={d} />
      <RiskHoldPanel d={d} onReleased={load.reload} />
      <SlotsGrid pins={d.pins} />
      <div className="grid-2">
        <CertificatesPanel certificates={d.certificates} />
        <CardFacts d={d} />
      </div>
      <FindingsList findings={d.findings} />
      <ClientReportsPanel summary={d.clientReports} />
      <SourcesTable sources={d.failuresBySource} />
      <AttemptsTable attempts={d.attempts} />
    </>
  );
}

function Verdict({ d }: { d: Diagnosis }) {
  const { t, tv, pick } = useLang();
  const tone = VERDICT_TONE[d.verdict.code];
  const blocked = d.card.status !== 'active';
  return (
    <section className={`verdict verdict-${tone}`} aria-labelledby="verdict-title">
      <div className="verdict-body">
        <h2 id="verdict-title" className="verdict-label">
          {t('verdict')} <code className="verdict-code">{d.verdict.code}</code>
        </h2>
        <p className="verdict-text" data-testid="verdict">
          <RichText text={pick(d.verdict.text)} />
        </p>
      </div>
      <div className="verdict-action">
        {blocked ? (
          <p className="verdict-blocked">{t('resetBlockedCard', { state: tv('card_', d.card.status) })}</p>
        ) : (
          <>
            <Link className="button button-primary button-large" href={paths.start(d.card.cardId)} data-testid="start-reset">
              {t('startReset')}
            </Link>
            <p className="small">{t('startResetHint')}</p>
          </>
        )}
      </div>
    </section>
  );
}
