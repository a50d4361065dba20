import { useCallback, useEffect, useState } from 'react';
import { normalizePin } from '@domain/pin-format';
import type { PinSlot } from '@domain/pin-slot';
import { ApiError, get, post } from '../../api/client';
import type { PinPadView } from '../../api/types';
import { ErrorBox } from '../../components/error-box';
import { LangSwitch } from '../../components/lang-switch';
import { Loading } from '../../components/loading';
import { useLang } from '../../i18n/lang';
import type { Key } from '../../i18n/dictionary';
import { slotName } from '../../labels';
import { Keypad } from './keypad';
import { SignEntry } from './sign-entry';

type Phase = 'first' | 'confirm';
// While the first entry is being checked, keys wait: what was typed is cleared or confirmed next.
const ignore = () => undefined;
type Notice = { key: Key; rule?: string } | null;

/**
 * The customer-facing PIN pad (DOMAIN.md §4): the holder sets each new PIN, entered twice, and the clerk never sees
 * it. No staff login: the one-time address is the credential, valid once for 15 minutes.
 */
export function PinPadPage({ token }: { token: string }) {
  const { t, tv, lang } = useLang();
  const [view, setView] = useState<PinPadView | null>(null);
  const [gone, setGone] = useState(false);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [index, setIndex] = useState(0);
  const [phase, setPhase] = useState<Phase>('first');
  const [buffer, setBuffer] = useState('');
  const [first, setFirst] = useState('');
  const [pins, setPins] = useState<Partial<Record<PinSlot, string>>>({});
  const [notice, setNotice] = useState<Notice>(null);
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<unknown>(null);
  const [done, setDone] = useState(false);

  useEffect(() => {
    document.title = `${t('padTitle')} — ${t('appShort')}`;
  }, [t]);
  useEffect(() => {
    get<PinPadView>(`/api/v1/pinpad/${token}`, { staff: false })
      .then(setView)
      .catch((e: unknown) => (e instanceof ApiError && e.code === 'PIN_PAD_EXPIRED' ? setGone(true) : setLoadError(e)));
  }, [token]);

  const slots = view?.slots ?? [];
  const reviewing = view !== null && index >= slots.length;
  const current = slots[index];

  const restartSlot = useCallback((i: number, why: Notice) => {
    setIndex(i);
    setPhase('first');
    setBuffer('');
    setFirst('');
    setNotice(why);
  }, []);

  const [checking, setChecking] = useState(false);
  const accept = useCallback(async () => {
    if (!current || checking) return;
    const checked = normalizePin(current.slot, buffer);
    if (checked.kind !== 'ok') {
      setBuffer('');
      setNotice({ key: 'padFormat' });
      return;
    }
    if (phase === 'first') {
      // A weak PIN is refused as it is entered (the server knows the birth date and My Number; the pad does not).
      setChecking(true);
      try {
        await post(`/api/v1/pinpad/${token}/check`, { slot: current.slot, pin: checked.pin }, { staff: false });
      } catch (e) {
        setBuffer('');
        if (e instanceof ApiError && e.code === 'PIN_PAD_EXPIRED') return setGone(true);
        if (e instanceof ApiError && e.code === 'PIN_WEAK') {
          return setNotice({ key: 'padChooseAgain', ...(typeof e.details.rule === 'string' ? { rule: e.details.rule } : {}) });
        }
        if (e instanceof ApiError && e.code === 'PIN_FORMAT') return setNotice({ key: 'padFormat' });
        // Not checked (a network fault, or the pad used up its checks): the server checks again when the PINs are set.
      } finally {
        setChecking(false);
      }
      setFirst(checked.pin);
      setBuffer('');
      setPhase('confirm');
      setNotice(null);
      return;
    }
    if (checked.pin !== first) return restartSlot(index, { key: 'padMismatch' });
    const next = { ...pins, [current.slot]: checked.pin };
    setPins(next);
    setSubmitError(null);
    // On to the next PIN not yet chosen (after a weak one was chosen again, straight back to the review).
    const following = slots.findIndex((s) => next[s.slot] === undefined);
    restartSlot(following < 0 ? slots.length : following, null);
  }, [current, checking, buffer, phase, first, index, pins, slots, restartSlot, token]);

  const submit = async () => {
    setSubmitting(true);
    setSubmitError(null);
    try {
      await post(`/api/v1/pinpad/${token}`, { pins }, { staff: false });
      setPins({});
      setDone(true);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'PIN_PAD_EXPIRED') setGone(true);
      const slot = e instanceof ApiError ? e.details.slot : null;
      const at = slots.findIndex((s) => s.slot === slot);
      if (e instanceof ApiError && at >= 0 && (e.code === 'PIN_WEAK' || e.code === 'PIN_FORMAT')) {
        // Nothing was written; the holder chooses that PIN again, and keeps the others.
        setPins((p) => {
          const kept = { ...p };
          delete kept[slots[at]!.slot];
          return kept;
        });
        restartSlot(at, { key: e.code === 'PIN_WEAK' ? 'padChooseAgain' : 'padFormat', ...(typeof e.details.rule === 'string' ? { rule: e.details.rule } : {}) });
        setSubmitError(e);
      } else {
        setSubmitError(e);
      }
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <div className="pad-page">
      <header className="pad-header">
        <span className="pad-brand">
          <img src="/counter/favicon.svg" alt="" width="32" height="32" /> {t('padTitle')}
        </span>
        <LangSwitch large />
      </header>
      <main className="pad-main" id="main">
        {gone ? (
          <div className="pad-card" role="alert">
            <p className="pad-big-text">{t('padExpired')}</p>
          </div>
        ) : done ? (
          <div className="pad-card pad-done" role="status" data-testid="pad-done">
            <p className="done-mark" aria-hidden="true">
              ✓
            </p>
            <h1 className="pad-done-title">{t('padDone')}</h1>
            <p className="pad-big-text">{t('padDoneLead')}</p>
          </div>
        ) : !view ? (
          loadError ? <ErrorBox error={loadError} /> : <Loading />
        ) : (
          <div className="pad-card">
            <p className="pad-hello">{t('padHello', { name: view.holderName })}</p>
            <p className="pad-lead" data-testid="pad-lead">{view.path === 'letter' ? t('padLeadLetter') : t('padLead')}</p>
            <ol className="pad-progress">
              {slots.map((s, i) => (
                <li key={s.slot} className={i < index ? 'pad-progress-done' : i === index ? 'pad-progress-current' : ''}>
                  {lang === 'ja' ? s.nameJa : s.nameEn}
                  {pins[s.slot] && <span className="pad-progress-mark"> ✓ {t('padEnteredMark')}</span>}
                </li>
              ))}
            </ol>
            {current && (
              <section aria-labelledby="pad-slot" data-slot={current.slot} data-phase={phase}>
                <p className="pad-step">{t('padStepOf', { i: index + 1, n: slots.length })}</p>
                <h1 id="pad-slot" className="pad-slot-name">
                  {slotName(current.slot, lang)}
                </h1>
                <p className="pad-instruction">{phase === 'first' ? t('padEnter') : t('padConfirm')}</p>
                {notice && submitError === null && (
                  <p className="alert alert-warning pad-notice" role="alert" data-testid="pad-notice" data-rule={notice.rule}>
                    {t(notice.key)}
                    {notice.rule && <span className="block">{t('errorRule', { rule: tv('weak_', notice.rule) })}</span>}
                  </p>
                )}
                {submitError !== null && notice && <ErrorBox error={submitError} />}
                {current.digitsOnly ? (
                  <Keypad value={buffer} onChange={checking ? ignore : setBuffer} onSubmit={accept} />
                ) : (
                  <SignEntry value={buffer} onChange={checking ? ignore : setBuffer} onSubmit={accept} resetKey={`${index}-${phase}`} />
                )}
              </section>
            )}
            {reviewing && (
              <section aria-labelledby="pad-review">
                <h1 id="pad-review" className="pad-slot-name">
                  {t('padReview')}
                </h1>
                <p className="pad-instruction">{t('padReviewLead')}</p>
                <ul className="pad-review-list">
                  {slots.map((s) => (
                    <li key={s.slot}>
                      <span>{lang === 'ja' ? s.nameJa : s.nameEn}</span>
                      <span className="pad-entered">✓ {t('padEnteredMark')}</span>
                    </li>
                  ))}
                </ul>
                {submitError !== null && !notice && <ErrorBox error={submitError} />}
                <div className="pad-actions">
                  <button type="button" className="button button-primary button-huge" onClick={submit} disabled={submitting} data-testid="pad-submit">
                    {submitting ? t('padSubmitting') : t('padSubmit')}
                  </button>
                  <button type="button" className="button button-secondary button-large" onClick={() => { setPins({}); restartSlot(0, null); }} disabled={submitting}>
                    {t('padRedo')}
                  </button>
                </div>
              </section>
            )}
          </div>
        )}
      </main>
    </div>
  );
}
