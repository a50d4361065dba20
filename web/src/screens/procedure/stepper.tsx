import type { Procedure } from '../../api/types';
import { useLang } from '../../i18n/lang';
import type { Key } from '../../i18n/dictionary';
import { currentStep, stepsOf } from './steps';

export function Stepper({ procedure }: { procedure: Procedure }) {
  const { t } = useLang();
  const steps = stepsOf(procedure);
  const now = currentStep(procedure);
  const index = now === 'ended' ? -1 : steps.indexOf(now);
  return (
    <ol className="stepper" aria-label={t('path')}>
      {steps.map((step, i) => {
        const status = now === 'done' || i < index ? 'done' : i === index ? 'current' : 'todo';
        const visit2 = !procedure.sameDay && step === 'verify_answer';
        return (
          <li key={step} className={`stepper-item stepper-${status}`} aria-current={status === 'current' ? 'step' : undefined}>
            <span className="stepper-dot">{status === 'done' ? '✓' : i + 1}</span>
            <span className="stepper-label">
              {t(`step_${step}` as Key)}
              {visit2 && <span className="stepper-visit">{t('visit2')}</span>}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
