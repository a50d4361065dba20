import { useEffect, useState } from 'react';
import { get } from '../../api/client';
import { loadPolicy } from '../../api/municipalities';
import type { Letter, MunicipalPolicy, Procedure } from '../../api/types';
import { ErrorBox } from '../../components/error-box';
import { Loading } from '../../components/loading';
import { useLoad } from '../../components/use-load';
import { useLang } from '../../i18n/lang';
import { Link, paths } from '../../router';
import { AnswerStep } from './answer-step';
import { CancelForm } from './cancel-form';
import { CardStep } from './card-step';
import { DocumentsStep } from './documents-step';
import { LetterInfo, LetterIssueStep } from './letter-step';
import { PinPadStep } from './pin-pad-step';
import { ProcedureHistory, ProcedureSummary } from './procedure-summary';
import { rememberPad } from './remembered';
import { Stepper } from './stepper';
import { currentStep } from './steps';

const POLL_MS = 2000;

export function ProcedureScreen({ procedureId }: { procedureId: string }) {
  const { t } = useLang();
  const load = useLoad(procedureId, () => get<Procedure>(`/api/v1/counter/procedures/${procedureId}`));
  const code = load.data?.municipalityCode ?? '';
  const policy = useLoad<MunicipalPolicy | null>(code, () => (code ? loadPolicy(code) : Promise.resolve(null)));
  const p = load.data;

  // A step's answer carries the procedure without its letter and resident: keep those.
  // Then it is read again, for the letter's new status.
  const update = (next: Procedure, letter?: Letter) => {
    load.set({ ...p, ...next, letter: letter ?? next.letter ?? p?.letter ?? null, resident: next.resident ?? p?.resident } as Procedure);
    load.reload();
  };

  // While the holder types at the customer PIN pad, watch for the procedure to complete.
  const waiting = p?.state === 'awaiting_pins';
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(() => load.reload(), POLL_MS);
    return () => clearInterval(timer);
  }, [waiting, load.reload]);
  useEffect(() => {
    if (p && p.state !== 'awaiting_pins' && p.state !== 'card_presented') rememberPad(p.id, null);
  }, [p]);

  if (!p) return load.error ? <ErrorBox error={load.error} /> : <Loading />;
  if (!policy.data) return policy.error ? <ErrorBox error={policy.error} /> : <Loading />;
  const step = currentStep(p);
  const canCancel = p.allowedSteps.includes('cancel');

  return (
    <>
      <div className="page-head">
        <h1 className="page-title">{t('procedureTitle')}</h1>
        <Link className="button button-ghost" href={paths.work()}>
          {t('toOpenWork')}
        </Link>
      </div>
      <ProcedureSummary procedure={p} />
      <Stepper procedure={p} />
      {load.error ? <ErrorBox error={load.error} /> : null}
      <div data-testid="procedure-state" data-state={p.state} hidden />
      {step === 'check_documents' && <DocumentsStep procedure={p} policy={policy.data} onChange={update} />}
      {step === 'issue_letter' && <LetterIssueStep procedure={p} onIssued={(next, letter) => update(next, letter)} />}
      {p.letter && step !== 'done' && <LetterInfo letter={p.letter} />}
      {step === 'verify_answer' && <Visit2 procedure={p} policy={policy.data} onChange={update} />}
      {step === 'present_card' && <CardStep procedure={p} onChange={update} />}
      {step === 'open_pin_pad' && <PinPadStep procedure={p} onChange={update} />}
      {step === 'done' && <Done procedure={p} />}
      {step === 'ended' && <p className="alert alert-warning">{p.state === 'expired' ? t('expired') : t('cancelled')}</p>}
      {canCancel && <CancelForm procedure={p} onChange={update} />}
      <ProcedureHistory procedure={p} />
    </>
  );
}

/** Visit 1 ends with the letter issued; the answer form is opened only when the proxy comes back. */
function Visit2({ procedure, policy, onChange }: { procedure: Procedure; policy: MunicipalPolicy; onChange(p: Procedure): void }) {
  const { t } = useLang();
  const [open, setOpen] = useState(false);
  if (open) return <AnswerStep procedure={procedure} policy={policy} onChange={onChange} />;
  return (
    <section className="panel step-panel" aria-labelledby="visit1-title">
      <h2 id="visit1-title" className="panel-title">
        {t('visit1DoneTitle')}
      </h2>
      <p className="lead">{t('visit1DoneLead')}</p>
      <p className="small muted">{t('letterIssuedNote')}</p>
      <button type="button" className="button button-primary button-large" onClick={() => setOpen(true)} data-testid="start-visit-2">
        {t('startVisit2')}
      </button>
    </section>
  );
}

function Done({ procedure }: { procedure: Procedure }) {
  const { t } = useLang();
  return (
    <section className="panel done-panel" role="status" data-testid="procedure-done">
      <p className="done-mark" aria-hidden="true">
        ✓
      </p>
      <h2 className="done-title">{t('doneTitle')}</h2>
      <p className="lead">{t('doneLead')}</p>
      {procedure.cardId && (
        <Link className="button button-secondary" href={paths.diagnosis(procedure.cardId)}>
          {t('backToDiagnosis')}
        </Link>
      )}
    </section>
  );
}
