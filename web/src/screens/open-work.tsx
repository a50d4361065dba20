import { get } from '../api/client';
import type { Letter, Procedure, ResponseOf, Staff } from '../api/types';
import { Badge } from '../components/badge';
import { ErrorBox } from '../components/error-box';
import { Loading } from '../components/loading';
import { useLoad } from '../components/use-load';
import { formatDate, formatDateTime } from '../format';
import { useLang } from '../i18n/lang';
import type { Key } from '../i18n/dictionary';
import { slotShortKey } from '../labels';
import { Link, paths } from '../router';
import { LettersTable } from './letters-table';
import { stateTone } from './procedure/procedure-summary';

type Work = { procedures: readonly Procedure[]; letters: readonly Letter[] };

const DETAILS_LIMIT = 50;

async function loadWork(): Promise<Work> {
  const [list, letters] = await Promise.all([
    get<ResponseOf<'/api/v1/counter/procedures', 'get'>>('/api/v1/counter/procedures'),
    get<ResponseOf<'/api/v1/counter/letters', 'get'>>('/api/v1/counter/letters?status=queued,mailed'),
  ]);
  // The list carries no names; each procedure's own view does.
  const detailed = await Promise.all(
    list.procedures.map((p, i) => (i < DETAILS_LIMIT ? get<Procedure>(`/api/v1/counter/procedures/${p.id}`).catch(() => p) : Promise.resolve(p))),
  );
  return { procedures: detailed, letters: letters.letters };
}

export function OpenWorkScreen({ staff }: { staff: Staff }) {
  const { t } = useLang();
  const load = useLoad(`work:${staff.id}`, loadWork);
  return (
    <>
      <div className="page-head">
        <h1 className="page-title">{t('workTitle')}</h1>
        <button type="button" className="button button-ghost" onClick={load.reload} disabled={load.loading}>
          {t('refresh')}
        </button>
      </div>
      <ErrorBox error={load.error} />
      {!load.data ? (
        load.error ? null : <Loading />
      ) : (
        <>
          <ProceduresTable procedures={load.data.procedures} letters={load.data.letters} />
          <LettersTable letters={load.data.letters} onChanged={load.reload} />
        </>
      )}
    </>
  );
}

function ProceduresTable({ procedures, letters }: { procedures: readonly Procedure[]; letters: readonly Letter[] }) {
  const { t, tv } = useLang();
  if (procedures.length === 0) return <p className="empty panel">{t('noProcedures')}</p>;
  const holderOf = (p: Procedure) => p.resident?.name ?? letters.find((l) => l.procedureId === p.id)?.holderName ?? '—';
  return (
    <section className="panel" aria-labelledby="procedures-title">
      <h2 id="procedures-title" className="panel-title">
        {t('workTitle')} <span className="muted small">{t('resultsCount', { n: procedures.length })}</span>
      </h2>
      <div className="table-wrap">
        <table className="table" data-testid="procedures">
          <thead>
            <tr>
              <th scope="col">{t('colHolder')}</th>
              <th scope="col">{t('colApplicant')}</th>
              <th scope="col">{t('colSlots')}</th>
              <th scope="col">{t('colState')}</th>
              <th scope="col">{t('colOpened')}</th>
              <th scope="col">{t('colDeadline')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('colActions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {procedures.map((p) => (
              <tr key={p.id} data-procedure-id={p.id}>
                <td>
                  <span className="name">{holderOf(p)}</span>
                </td>
                <td>
                  {t(`applicant_${p.applicantType}` as Key)}
                  {p.proxyName && <span className="muted small block">{p.proxyName}</span>}
                </td>
                <td>{p.slots.map((s) => t(slotShortKey(s))).join(t('listSeparator'))}</td>
                <td>
                  <Badge tone={stateTone(p.state)}>{tv('state_', p.state)}</Badge>
                </td>
                <td className="mono nowrap">{formatDateTime(p.openedAt)}</td>
                <td className="mono nowrap">{p.deadline ? formatDate(p.deadline) : '—'}</td>
                <td>
                  <Link className="button button-primary button-small" href={paths.procedure(p.id)}>
                    {t('continueProcedure')}
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
