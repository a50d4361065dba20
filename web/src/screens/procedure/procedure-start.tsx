import { useEffect, useState, type FormEvent } from 'react';
import { APPLICANT_TYPES, type ApplicantType } from '@domain/municipal-policy';
import { PIN_SLOTS, type PinSlot } from '@domain/pin-slot';
import { get, post } from '../../api/client';
import type { Diagnosis, Procedure } from '../../api/types';
import { ErrorBox } from '../../components/error-box';
import { Field } from '../../components/field';
import { Loading } from '../../components/loading';
import { useLoad } from '../../components/use-load';
import { useLang } from '../../i18n/lang';
import type { Key } from '../../i18n/dictionary';
import { slotName, slotShortKey } from '../../labels';
import { Link, navigate, paths } from '../../router';
import { ResidentSummary } from '../resident-summary';
import { rememberCard } from './remembered';
import { useAction } from '../../components/use-action';

export function ProcedureStart({ cardId }: { cardId: string }) {
  const { t, lang } = useLang();
  const load = useLoad(cardId, () => get<Diagnosis>(`/api/v1/counter/cards/${cardId}/diagnosis`));
  const [applicant, setApplicant] = useState<ApplicantType>('self');
  const [proxyName, setProxyName] = useState('');
  const [slots, setSlots] = useState<Set<PinSlot>>(new Set());
  const { busy, error, setError, run } = useAction();
  const [problem, setProblem] = useState<Key | null>(null);

  // The locked slots are pre-checked once the diagnosis arrives.
  useEffect(() => {
    if (load.data) setSlots(new Set(PIN_SLOTS.filter((s) => load.data!.pins[s]?.locked)));
  }, [load.data]);

  if (!load.data) return load.error ? <ErrorBox error={load.error} /> : <Loading />;
  const d = load.data;
  const isProxy = applicant !== 'self';

  const toggle = (slot: PinSlot) =>
    setSlots((prev) => {
      const next = new Set(prev);
      if (next.has(slot)) next.delete(slot);
      else next.add(slot);
      return next;
    });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setProblem(null);
    if (slots.size === 0) return setProblem('chooseSlot');
    if (isProxy && !proxyName.trim()) return setProblem('enterProxyName');
    await run(async () => {
      const chosen = PIN_SLOTS.filter((s) => slots.has(s));
      const p = await post<Procedure>('/api/v1/counter/procedures', {
        residentId: d.resident.id,
        applicantType: applicant,
        slots: chosen,
        ...(isProxy ? { proxyName: proxyName.trim() } : {}),
      });
      rememberCard(p.id, d.card.cardId);
      navigate(paths.procedure(p.id));
    });
  };

  return (
    <>
      <div className="page-head">
        <h1 className="page-title">{t('startTitle')}</h1>
        <Link className="button button-ghost" href={paths.diagnosis(cardId)}>
          {t('back')}
        </Link>
      </div>
      <ResidentSummary resident={d.resident} />
      <form className="panel form-stack" onSubmit={submit} noValidate>
        <fieldset className="fieldset">
          <legend className="field-label">{t('applicantType')}</legend>
          <div className="choice-grid">
            {APPLICANT_TYPES.map((type) => (
              <label key={type} className={`choice ${applicant === type ? 'choice-on' : ''}`}>
                <input type="radio" name="applicantType" value={type} checked={applicant === type} onChange={() => setApplicant(type)} />
                <span className="choice-title">{t(`applicant_${type}` as Key)}</span>
                <span className="choice-hint">{t(`applicantHint_${type}` as Key)}</span>
              </label>
            ))}
          </div>
        </fieldset>
        {isProxy && (
          <Field label={t('proxyName')}>
            {(f) => <input {...f} name="proxyName" value={proxyName} maxLength={100} onChange={(e) => setProxyName(e.target.value)} required />}
          </Field>
        )}
        <fieldset className="fieldset">
          <legend className="field-label">{t('slotsToReset')}</legend>
          <p className="field-hint">{t('slotsHint')}</p>
          <div className="choice-grid choice-grid-4">
            {PIN_SLOTS.map((slot) => {
              const view = d.pins[slot];
              return (
                <label key={slot} className={`choice ${slots.has(slot) ? 'choice-on' : ''} ${view ? '' : 'choice-disabled'}`}>
                  <input type="checkbox" name="slots" value={slot} checked={slots.has(slot)} disabled={!view} onChange={() => toggle(slot)} />
                  <span className="choice-title">{t(slotShortKey(slot))}</span>
                  <span className="choice-hint">{slotName(slot, lang)}</span>
                  <span className="choice-hint">
                    {!view ? t('slotAbsent') : view.locked ? <strong className="text-danger">{t('locked')}</strong> : t('remaining', { n: view.remaining, max: view.max })}
                  </span>
                </label>
              );
            })}
          </div>
        </fieldset>
        {problem && (
          <p className="alert alert-warning" role="alert">
            {t(problem)}
          </p>
        )}
        <ErrorBox error={error} />
        <div className="actions">
          <button type="submit" className="button button-primary button-large" disabled={busy}>
            {busy ? t('opening') : t('openProcedure')}
          </button>
        </div>
      </form>
    </>
  );
}
