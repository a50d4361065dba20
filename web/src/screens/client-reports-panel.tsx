import type { ClientReportsSummary } from '../api/types';
import { Badge } from '../components/badge';
import { formatDateTime } from '../format';
import { useLang } from '../i18n/lang';
import { slotShortKey, type Tone } from '../labels';

const CLASS_TONE: Readonly<Record<ClientReportsSummary['reports'][number]['class'], Tone>> = {
  agrees: 'ok',
  mismatch: 'danger',
  outage: 'warning',
  unverifiable: 'muted',
};

/** What apps reported they showed, beside the card's record, with the mismatch named in one sentence (issue 11). */
export function ClientReportsPanel({ summary }: { summary: ClientReportsSummary }) {
  const { t, tv, pick } = useLang();
  return (
    <section className="panel" aria-labelledby="client-reports-title" data-testid="client-reports">
      <h2 id="client-reports-title" className="panel-title">
        {t('clientReportsTitle')}
      </h2>
      <p className="muted small">{t('clientReportsLead')}</p>
      {summary.mismatch && (
        <div className="mismatch-box" role="note" data-testid="client-mismatch">
          <h3 className="mismatch-title">{t('clientMismatchTitle')}</h3>
          <p>{pick(summary.mismatch.text)}</p>
        </div>
      )}
      {summary.reports.length === 0 ? (
        <p className="muted">{t('clientReportsNone')}</p>
      ) : (
        <div className="table-wrap table-scroll">
          <table className="table table-compact" data-testid="client-reports-table">
            <thead>
              <tr>
                <th scope="col">{t('colReceivedAt')}</th>
                <th scope="col">{t('colShown')}</th>
                <th scope="col">{t('colApp')}</th>
                <th scope="col">{t('colVersion')}</th>
                <th scope="col">{t('colSlot')}</th>
                <th scope="col">{t('colChannel')}</th>
                <th scope="col">{t('colService')}</th>
                <th scope="col">{t('colClientCause')}</th>
                <th scope="col">{t('colRecord')}</th>
              </tr>
            </thead>
            <tbody>
              {summary.reports.map((r) => (
                <tr key={r.id}>
                  <td className="mono nowrap">{formatDateTime(r.receivedAt)}</td>
                  <td>{tv('shown_', r.shownCode)}</td>
                  <td>{r.app}</td>
                  <td className="mono">{r.appVersion}</td>
                  <td>{r.slot ? t(slotShortKey(r.slot)) : '—'}</td>
                  <td>{tv('channel_', r.channel)}</td>
                  <td>{tv('service_', r.service)}</td>
                  <td>{tv('clientCause_', r.clientCause)}</td>
                  <td>
                    <Badge tone={CLASS_TONE[r.class]}>{tv('reportClass_', r.class)}</Badge>
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
