import type { Procedure } from '../../api/types';
import { Badge } from '../../components/badge';
import { formatDate, formatDateTime } from '../../format';
import { useLang } from '../../i18n/lang';
import type { Key } from '../../i18n/dictionary';
import { slotShortKey, type Tone } from '../../labels';

export const stateTone = (state: Procedure['state']): Tone =>
  state === 'completed' ? 'ok' : state === 'cancelled' || state === 'expired' ? 'muted' : state === 'awaiting_pins' ? 'warning' : 'info';

export function ProcedureSummary({ procedure: p }: { procedure: Procedure }) {
  const { t, tv } = useLang();
  const legalUndecided = p.applicantType === 'legal_proxy' && p.state === 'opened';
  return (
    <section className="resident-summary" aria-label={t('procedureTitle')}>
      {p.resident && (
        <div>
          <span className="name-large">{p.resident.name}</span>
          <span className="kana">{p.resident.nameKana}</span>
          <span className="mono muted small"> {p.resident.myNumberMasked}</span>
        </div>
      )}
      <dl className="facts-inline">
        <div>
          <dt>{t('state')}</dt>
          <dd>
            <Badge tone={stateTone(p.state)}>{tv('state_', p.state)}</Badge>
          </dd>
        </div>
        <div>
          <dt>{t('applicantType')}</dt>
          <dd>
            {t(`applicant_${p.applicantType}` as Key)}
            {p.proxyName && <span>{t('withProxy', { name: p.proxyName })}</span>}
          </dd>
        </div>
        <div>
          <dt>{t('slotsToReset')}</dt>
          <dd>{p.slots.map((s) => t(slotShortKey(s))).join(t('listSeparator'))}</dd>
        </div>
        <div>
          <dt>{t('path')}</dt>
          <dd>{legalUndecided ? t('pathLegalPending') : t(p.sameDay ? 'path_same_day' : 'path_letter')}</dd>
        </div>
        <div>
          <dt>{t('openedAt')}</dt>
          <dd className="mono">{formatDateTime(p.openedAt)}</dd>
        </div>
        {p.deadline && (
          <div>
            <dt>{t('deadline')}</dt>
            <dd className="mono strong">{formatDate(p.deadline)}</dd>
          </div>
        )}
      </dl>
    </section>
  );
}

export function ProcedureHistory({ procedure }: { procedure: Procedure }) {
  const { t, tv } = useLang();
  if (procedure.history.length === 0) return null;
  return (
    <details className="panel history">
      <summary>{t('historyOfProcedure')}</summary>
      <div className="table-wrap">
        <table className="table table-compact">
          <thead>
            <tr>
              <th scope="col">{t('colTime')}</th>
              <th scope="col">{t('colOperation')}</th>
              <th scope="col">{t('colState')}</th>
              <th scope="col">{t('staffColumn')}</th>
              <th scope="col">{t('policyVersion')}</th>
            </tr>
          </thead>
          <tbody>
            {procedure.history.map((h, i) => (
              <tr key={i}>
                <td className="mono nowrap">{formatDateTime(h.at)}</td>
                <td>{tv('event_', h.step)}</td>
                <td>
                  {tv('state_', h.from)} → {tv('state_', h.to)}
                </td>
                <td className="mono small">{h.by}</td>
                <td className="num">{h.policyVersion}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
