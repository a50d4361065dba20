import type { Attempt, Diagnosis } from '../api/types';
import { Badge } from '../components/badge';
import { formatDateTime } from '../format';
import { useLang } from '../i18n/lang';
import { slotShortKey, type Tone } from '../labels';

export function SourcesTable({ sources }: { sources: Diagnosis['failuresBySource'] }) {
  const { t, tv } = useLang();
  return (
    <section className="panel" aria-labelledby="sources-title">
      <h2 id="sources-title" className="panel-title">
        {t('sourcesTitle')}
      </h2>
      {sources.length === 0 ? (
        <p className="muted">{t('noSources')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="sources">
            <thead>
              <tr>
                <th scope="col">{t('colSlot')}</th>
                <th scope="col">{t('colChannel')}</th>
                <th scope="col">{t('colService')}</th>
                <th scope="col">{t('colTerminal')}</th>
                <th scope="col" className="num">{t('colFailures')}</th>
                <th scope="col">{t('colLastAt')}</th>
              </tr>
            </thead>
            <tbody>
              {sources.map((s, i) => (
                <tr key={i}>
                  <td>{t(slotShortKey(s.slot))}</td>
                  <td>{tv('channel_', s.channel)}</td>
                  <td>{tv('service_', s.service)}</td>
                  <td>{s.terminal ?? '—'}</td>
                  <td className="num">{s.failures}</td>
                  <td className="mono nowrap">{formatDateTime(s.lastAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const RESULT_TONE: Readonly<Record<Attempt['result'], Tone>> = { success: 'ok', done: 'ok', incorrect: 'danger', refused: 'warning', held: 'warning', released: 'ok' };

export function AttemptsTable({ attempts }: { attempts: Diagnosis['attempts'] }) {
  const { t, tv } = useLang();
  return (
    <section className="panel" aria-labelledby="history-title">
      <h2 id="history-title" className="panel-title">
        {t('historyTitle')} <span className="muted small">{t('historyCount', { n: attempts.length })}</span>
      </h2>
      {attempts.length === 0 ? (
        <p className="muted">{t('noHistory')}</p>
      ) : (
        <div className="table-wrap table-scroll">
          <table className="table table-compact" data-testid="attempts">
            <thead>
              <tr>
                <th scope="col">{t('colTime')}</th>
                <th scope="col">{t('colOperation')}</th>
                <th scope="col">{t('colSlot')}</th>
                <th scope="col">{t('colResult')}</th>
                <th scope="col">{t('colCode')}</th>
                <th scope="col">{t('colChannel')}</th>
                <th scope="col">{t('colService')}</th>
                <th scope="col">{t('colTerminal')}</th>
              </tr>
            </thead>
            <tbody>
              {attempts.map((a) => (
                <tr key={a.id}>
                  <td className="mono nowrap">{formatDateTime(a.occurredAt)}</td>
                  <td>{tv('op_', a.operation)}</td>
                  <td>{a.slot ? t(slotShortKey(a.slot)) : '—'}</td>
                  <td>
                    <Badge tone={RESULT_TONE[a.result] ?? 'muted'}>{tv('result_', a.result)}</Badge>
                  </td>
                  <td className="small">{tv('code_', a.code)}</td>
                  <td>{tv('channel_', a.channel)}</td>
                  <td>{tv('service_', a.service)}</td>
                  <td>{a.terminal ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
