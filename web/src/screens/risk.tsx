import { useState } from 'react';
import { get, post } from '../api/client';
import type { ServiceFlag, SourceBlock, Staff } from '../api/types';
import { Badge } from '../components/badge';
import { ErrorBox } from '../components/error-box';
import { Field } from '../components/field';
import { Loading } from '../components/loading';
import { useLoad } from '../components/use-load';
import { formatDateTime } from '../format';
import { useLang } from '../i18n/lang';

// Risk decisions for national admins (issue 13 item 1): relying services failing far above the norm, with their
// failure rate, and the sources blocked before they could spend any holder's try. Every change is audited by the API.

const percent = (figures: Record<string, unknown>) => (typeof figures.rate === 'number' ? `${Math.round(figures.rate * 1000) / 10}%` : '');

export function RiskScreen({ staff }: { staff: Staff }) {
  const { t } = useLang();
  const flags = useLoad('risk-flags', () => get<{ flags: ServiceFlag[] }>('/api/v1/risk/services'));
  const blocks = useLoad('risk-blocks', () => get<{ blocks: SourceBlock[] }>('/api/v1/risk/sources'));
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  if (staff.role !== 'national_admin') return <p className="panel">{t('riskOnlyNational')}</p>;
  const act = async (run: () => Promise<unknown>) => {
    setError(null);
    try {
      await run();
      setReason('');
      flags.reload();
      blocks.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <div className="page-head">
        <h1 className="page-title">{t('riskTitle')}</h1>
        <button type="button" className="button button-ghost" onClick={() => void act(() => post('/api/v1/risk/services/evaluate'))} data-testid="risk-evaluate">
          {t('riskEvaluate')}
        </button>
      </div>
      <p className="muted">{t('riskLead')}</p>
      <ErrorBox error={error ?? flags.error ?? blocks.error} />
      <Field label={t('riskReason')}>{(f) => <input {...f} name="reason" value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} />}</Field>
      {!flags.data ? <Loading /> : <FlagsTable flags={flags.data.flags} reason={reason} act={act} />}
      {!blocks.data ? <Loading /> : <BlocksTable blocks={blocks.data.blocks} reason={reason} act={act} />}
    </>
  );
}

type Act = (run: () => Promise<unknown>) => Promise<void>;

function FlagsTable({ flags, reason, act }: { flags: ServiceFlag[]; reason: string; act: Act }) {
  const { t, pick } = useLang();
  return (
    <section className="panel" aria-labelledby="flags-title">
      <h2 id="flags-title" className="panel-title">
        {t('riskFlagsTitle')}
      </h2>
      {flags.length === 0 ? (
        <p className="muted">{t('riskFlagsNone')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="risk-flags">
            <thead>
              <tr>
                <th>{t('riskService')}</th>
                <th>{t('riskRate')}</th>
                <th>{t('riskWhy')}</th>
                <th>{t('riskFlaggedAt')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {flags.map((f) => (
                <tr key={f.id} data-service={f.service}>
                  <td className="mono">{f.service}</td>
                  <td>
                    <Badge tone="danger">{percent(f.figures)}</Badge>
                  </td>
                  <td>{pick(f.explanation)}</td>
                  <td className="nowrap">{formatDateTime(f.flaggedAt)}</td>
                  <td>
                    <button type="button" className="button button-ghost" disabled={!reason.trim()} onClick={() => void act(() => post(`/api/v1/risk/service-flags/${f.id}/dismiss`, { reason: reason.trim() }))}>
                      {t('riskDismiss')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function BlocksTable({ blocks, reason, act }: { blocks: SourceBlock[]; reason: string; act: Act }) {
  const { t, pick } = useLang();
  return (
    <section className="panel" aria-labelledby="blocks-title">
      <h2 id="blocks-title" className="panel-title">
        {t('riskBlocksTitle')}
      </h2>
      {blocks.length === 0 ? (
        <p className="muted">{t('riskBlocksNone')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="risk-blocks">
            <thead>
              <tr>
                <th>{t('riskSource')}</th>
                <th>{t('riskWhy')}</th>
                <th>{t('riskUntil')}</th>
                <th>{t('riskRefused')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {blocks.map((b) => (
                <tr key={b.sourceKey}>
                  <td className="mono">{b.sourceKey}</td>
                  <td>{pick(b.explanation)}</td>
                  <td className="nowrap">
                    {formatDateTime(b.blockedUntil)} {b.active ? <Badge tone="danger">{t('riskActive')}</Badge> : <Badge tone="ok">{t('riskEnded')}</Badge>}
                  </td>
                  <td>{b.refused}</td>
                  <td>
                    {b.active && (
                      <button type="button" className="button button-ghost" disabled={!reason.trim()} onClick={() => void act(() => post('/api/v1/risk/sources/lift', { sourceKey: b.sourceKey, reason: reason.trim() }))}>
                        {t('riskLift')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
