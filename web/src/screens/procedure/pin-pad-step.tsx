import { useState } from 'react';
import { post } from '../../api/client';
import type { Procedure, ResponseOf } from '../../api/types';
import { ErrorBox } from '../../components/error-box';
import { formatTime } from '../../format';
import { useLang } from '../../i18n/lang';
import { rememberedPad, rememberPad, type RememberedPad } from './remembered';
import { useAction } from '../../components/use-action';

/**
 * Both paths: the clerk opens the customer-facing PIN pad; the holder (same day) or the proxy with the sealed answer
 * (letter path, visit 2) types the PINs there, never the clerk. This screen waits (the procedure screen polls) until
 * the procedure is completed. While it waits, the clerk can open a new pad, which closes the old one (it expired, its
 * link is lost, or it closed after too many weak PINs).
 */
export function PinPadStep({ procedure, onChange }: { procedure: Procedure; onChange(p: Procedure): void }) {
  const { t } = useLang();
  const [pad, setPad] = useState<RememberedPad | null>(() => rememberedPad(procedure.id));
  const { busy, error, run } = useAction();

  const open = async () => {
    await run(async () => {
      const r = await post<ResponseOf<'/api/v1/counter/procedures/{procedureId}/pin-pad', 'post'>>(`/api/v1/counter/procedures/${procedure.id}/pin-pad`);
      const next = { url: r.pinPadUrl, expiresAt: r.expiresAt };
      rememberPad(procedure.id, next);
      setPad(next);
      // The new pad is open: until the procedure is read again, do not show the old one's closing.
      onChange({ ...r.procedure, pinPad: { state: 'open', expiresAt: r.expiresAt, refusals: 0 } });
    });
  };

  const waiting = procedure.state === 'awaiting_pins';
  // What the server says of the newest pad: closed ones get their reason instead of a dead link.
  const closed = waiting && (procedure.pinPad?.state === 'closed_weak_pins' || procedure.pinPad?.state === 'expired') ? procedure.pinPad : null;
  const instructions = procedure.sameDay ? t('pinPadInstructions') : t('pinPadInstructionsLetter');
  return (
    <section className="panel step-panel" aria-labelledby="pad-step-title">
      <h2 id="pad-step-title" className="panel-title">
        {t('pinPadStepTitle')}
      </h2>
      {!waiting && (
        <>
          <p className="lead">{instructions}</p>
          <ErrorBox error={error} />
          <div className="actions">
            <button type="button" className="button button-primary button-large" onClick={open} disabled={busy} data-testid="open-pin-pad">
              {t('openPinPad')}
            </button>
          </div>
        </>
      )}
      {closed && (
        <p className="alert alert-warning" role="alert" data-testid="pin-pad-closed" data-state={closed.state}>
          {closed.state === 'closed_weak_pins' ? t('pinPadClosedWeak', { count: String(closed.refusals) }) : t('pinPadExpired', { time: formatTime(closed.expiresAt) })}
        </p>
      )}
      {waiting && !closed && pad && (
        <div className="pad-open">
          <p className="alert alert-info">{t('pinPadOpened')}</p>
          <p className="lead">{instructions}</p>
          <p>
            <a className="button button-primary button-large" href={pad.url} target="_blank" rel="noopener noreferrer" data-testid="pin-pad-link">
              {t('pinPadLink')} ↗
            </a>
          </p>
          <p className="small muted">{t('pinPadExpiresAt', { time: formatTime(pad.expiresAt) })}</p>
        </div>
      )}
      {waiting && !closed && !pad && <p className="alert alert-warning">{t('pinPadLost')}</p>}
      {waiting && (
        <div className="pad-reopen">
          <ErrorBox error={error} />
          <p className="small muted">{t('reopenPinPadHint')}</p>
          <button type="button" className="button button-secondary" onClick={open} disabled={busy} data-testid="reopen-pin-pad">
            {closed ? t('openNewPinPad') : t('reopenPinPad')}
          </button>
        </div>
      )}
      {waiting && !closed && (
        <p className="waiting" role="status" aria-live="polite">
          <span className="spinner" aria-hidden="true" /> {t('pinPadWaiting')}
        </p>
      )}
    </section>
  );
}
