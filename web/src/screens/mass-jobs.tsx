import { useEffect, useState, type FormEvent } from 'react';
import { get, post } from '../api/client';
import type { Staff } from '../api/types';
import { ErrorBox } from '../components/error-box';
import { Field } from '../components/field';
import { Loading } from '../components/loading';
import { useLoad } from '../components/use-load';
import { formatDateTime } from '../format';
import { useLang } from '../i18n/lang';
import { useAction } from '../components/use-action';

// Mass suspension and restore (issue 13 item 3), for national admins: start a job on a scope, watch its progress.
// The list refreshes every two seconds while a job is not done.

type Scope = Readonly<{ caId?: string; issuedFrom?: string; issuedTo?: string; municipalityCode?: string }>;
type MassJob = Readonly<{
  id: string;
  operation: 'suspend' | 'restore';
  reason: string;
  scope: Scope;
  state: 'queued' | 'running' | 'done' | 'cancelled';
  total: number;
  processed: number;
  changed: number;
  runs: number;
  createdBy: string;
  createdAt: string;
  finishedAt: string | null;
  cancelledBy: string | null;
  cancelReason: string | null;
}>;

const finished = (j: MassJob) => j.state === 'done' || j.state === 'cancelled';

export function MassJobsScreen({ staff }: { staff: Staff }) {
  const { t } = useLang();
  const load = useLoad('mass-jobs', () => get<{ jobs: MassJob[] }>('/api/v1/admin/mass-jobs'));
  const active = load.data?.jobs.some((j) => !finished(j)) ?? false;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(load.reload, 2000);
    return () => clearInterval(timer);
  }, [active, load.reload]);
  if (staff.role !== 'national_admin' || staff.municipalityCode) return <p className="panel">{t('massOnlyNational')}</p>;
  return (
    <>
      <h1 className="page-title">{t('massTitle')}</h1>
      <p className="muted">{t('massLead')}</p>
      <NewJobForm onStarted={load.reload} />
      <ErrorBox error={load.error} />
      {!load.data ? load.error ? null : <Loading /> : <JobsTable jobs={load.data.jobs} onChanged={load.reload} />}
    </>
  );
}

function NewJobForm({ onStarted }: { onStarted(): void }) {
  const { t } = useLang();
  const [operation, setOperation] = useState<'suspend' | 'restore'>('suspend');
  const [reason, setReason] = useState('');
  const [municipalityCode, setMunicipalityCode] = useState('');
  const [issuedFrom, setIssuedFrom] = useState('');
  const [issuedTo, setIssuedTo] = useState('');
  const [caId, setCaId] = useState('');
  const { busy, error, run } = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const scope: Record<string, string> = {};
    if (municipalityCode.trim()) scope.municipalityCode = municipalityCode.trim();
    if (issuedFrom) scope.issuedFrom = issuedFrom;
    if (issuedTo) scope.issuedTo = issuedTo;
    if (caId.trim()) scope.caId = caId.trim();
    await run(async () => {
      await post('/api/v1/admin/mass-jobs', { operation, reason, scope });
      setReason('');
      onStarted();
    });
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="mass-new" data-testid="mass-new">
      <h2 id="mass-new" className="panel-title">
        {t('massNew')}
      </h2>
      <ErrorBox error={error} />
      <fieldset className="field">
        <legend className="field-label">{t('massOperation')}</legend>
        {(['suspend', 'restore'] as const).map((op) => (
          <label key={op} className="check">
            <input type="radio" name="operation" value={op} checked={operation === op} onChange={() => setOperation(op)} /> {t(`mass_op_${op}`)}
          </label>
        ))}
      </fieldset>
      <Field label={t('massReason')} hint={t('massReasonHint')}>
        {(f) => <input {...f} name="reason" value={reason} maxLength={200} required onChange={(e) => setReason(e.target.value)} />}
      </Field>
      <fieldset className="field">
        <legend className="field-label">{t('massScope')}</legend>
        <Field label={t('massMunicipality')}>
          {(f) => <input {...f} name="municipalityCode" inputMode="numeric" pattern="\d{6}" value={municipalityCode} onChange={(e) => setMunicipalityCode(e.target.value)} />}
        </Field>
        <Field label={t('massIssuedFrom')}>{(f) => <input {...f} type="date" name="issuedFrom" value={issuedFrom} onChange={(e) => setIssuedFrom(e.target.value)} />}</Field>
        <Field label={t('massIssuedTo')}>{(f) => <input {...f} type="date" name="issuedTo" value={issuedTo} onChange={(e) => setIssuedTo(e.target.value)} />}</Field>
        <Field label={t('massCa')}>{(f) => <input {...f} name="caId" value={caId} maxLength={64} onChange={(e) => setCaId(e.target.value)} />}</Field>
      </fieldset>
      <button type="submit" className="button button-primary" disabled={busy}>
        {busy ? t('massStarting') : t('massStart')}
      </button>
    </form>
  );
}

function JobsTable({ jobs, onChanged }: { jobs: MassJob[]; onChanged(): void }) {
  const { t } = useLang();
  if (jobs.length === 0) return <p className="panel muted">{t('massNone')}</p>;
  const scopeText = (s: Scope) =>
    [
      s.municipalityCode ? t('massScopeMunicipality', { code: s.municipalityCode }) : null,
      s.issuedFrom || s.issuedTo ? t('massScopeIssued', { from: s.issuedFrom ?? '', to: s.issuedTo ?? '' }) : null,
      s.caId ? t('massScopeCa', { ca: s.caId }) : null,
    ]
      .filter(Boolean)
      .join(t('listSeparator'));
  return (
    <section className="panel" aria-labelledby="mass-jobs">
      <h2 id="mass-jobs" className="panel-title">
        {t('massJobs')}
      </h2>
      <div className="table-wrap">
        <table className="table" data-testid="mass-jobs">
          <thead>
            <tr>
              <th>{t('massCreated')}</th>
              <th>{t('massOperation')}</th>
              <th>{t('massScopeText')}</th>
              <th>{t('massReason')}</th>
              <th>{t('massProgress')}</th>
              <th>{t('massState')}</th>
              <th title={t('massRunsHint')}>{t('massRuns')}</th>
              <th>{t('massBy')}</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((j) => {
              const shown = Math.min(j.processed, j.total);
              return (
                <tr key={j.id} data-state={j.state}>
                  <td>{formatDateTime(j.createdAt)}</td>
                  <td>{t(`mass_op_${j.operation}`)}</td>
                  <td>{scopeText(j.scope)}</td>
                  <td>{j.reason}</td>
                  <td>
                    <progress max={Math.max(j.total, 1)} value={j.state === 'done' ? Math.max(j.total, 1) : shown} aria-label={t('massProgress')} />{' '}
                    <span data-testid="mass-progress">{t('massProgressText', { done: j.changed.toLocaleString(), total: j.total.toLocaleString() })}</span>
                  </td>
                  <td>
                    {t(`mass_state_${j.state}`)}
                    {j.state === 'cancelled' && j.cancelledBy ? (
                      <div className="muted" data-testid="mass-cancelled">
                        {t('massCancelledBy', { by: j.cancelledBy, reason: j.cancelReason ?? '' })}
                      </div>
                    ) : null}
                    {finished(j) ? null : <CancelJob job={j} onCancelled={onChanged} />}
                  </td>
                  <td>{j.runs}</td>
                  <td>{j.createdBy}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Stops a job that has not finished: a reason is asked for, as for every staff action; the change is audited. */
function CancelJob({ job, onCancelled }: { job: MassJob; onCancelled(): void }) {
  const { t } = useLang();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const { busy, error, run } = useAction();
  if (!open) {
    return (
      <div>
        <button type="button" className="button" onClick={() => setOpen(true)}>
          {t('massCancel')}
        </button>
      </div>
    );
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      await post(`/api/v1/admin/mass-jobs/${job.id}/cancel`, { reason });
      setOpen(false);
      onCancelled();
    });
  };
  return (
    <form onSubmit={submit} data-testid="mass-cancel" aria-label={t('massCancel')}>
      <p className="muted">{t('massCancelLead')}</p>
      <ErrorBox error={error} />
      <Field label={t('massCancelReason')}>
        {(f) => <input {...f} name="cancelReason" value={reason} maxLength={200} required onChange={(e) => setReason(e.target.value)} />}
      </Field>
      <button type="submit" className="button button-danger" disabled={busy}>
        {busy ? t('massCancelling') : t('massCancelConfirm')}
      </button>{' '}
      <button type="button" className="button" onClick={() => setOpen(false)} disabled={busy}>
        {t('massCancelBack')}
      </button>
    </form>
  );
}
