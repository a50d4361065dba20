import { PIN_SLOTS, type PinSlot } from '@domain/pin-slot';
import type { CertificateView, Diagnosis, SlotView } from '../api/types';
import { Badge } from '../components/badge';
import { RichText } from '../components/rich-text';
import { formatDate, formatDateTime } from '../format';
import { useLang } from '../i18n/lang';
import { slotName, slotShortKey, VERDICT_TONE } from '../labels';
import type { Key } from '../i18n/dictionary';

export function SlotsGrid({ pins }: { pins: Diagnosis['pins'] }) {
  const { t } = useLang();
  return (
    <section aria-labelledby="slots-title">
      <h2 id="slots-title" className="section-title">
        {t('slotsTitle')}
      </h2>
      <div className="slots-grid">
        {PIN_SLOTS.map((slot) => (
          <SlotCard key={slot} slot={slot} view={pins[slot]} />
        ))}
      </div>
    </section>
  );
}

function SlotCard({ slot, view }: { slot: PinSlot; view: SlotView | null }) {
  const { t, lang } = useLang();
  const tone = !view ? 'muted' : view.locked ? 'danger' : view.remaining < view.max ? 'warning' : 'ok';
  return (
    <article className={`slot-card slot-${tone}`} data-slot={slot} data-locked={view?.locked ? 'true' : 'false'}>
      <h3 className="slot-name">{t(slotShortKey(slot))}</h3>
      <p className="slot-full">{slotName(slot, lang)}</p>
      <p className="slot-use small muted">{t(`slotUse_${slot}` as Key)}</p>
      {view ? (
        <>
          <div className="tries" aria-hidden="true">
            {Array.from({ length: view.max }, (_, i) => (
              <span key={i} className={i < view.remaining ? 'try try-left' : 'try try-spent'} />
            ))}
          </div>
          <p className="slot-remaining">{t('remaining', { n: view.remaining, max: view.max })}</p>
          {view.locked ? (
            <p>
              <Badge tone="danger">{t('locked')}</Badge>
              {view.lockedAt && <span className="small"> {t('lockedAt', { date: formatDateTime(view.lockedAt) })}</span>}
            </p>
          ) : (
            <p>
              <Badge tone="ok">{t('notLocked')}</Badge>
            </p>
          )}
        </>
      ) : (
        <p className="muted">{t('slotAbsent')}</p>
      )}
    </article>
  );
}

const certTone = (s: CertificateView['status']) => (s === 'valid' ? 'ok' : s === 'absent' ? 'muted' : 'warning');

export function CertificatesPanel({ certificates }: { certificates: Diagnosis['certificates'] }) {
  const { t, tv } = useLang();
  const rows: Array<[Key, CertificateView]> = [
    ['certAuth', certificates.auth],
    ['certSign', certificates.sign],
  ];
  return (
    <section className="panel" aria-labelledby="certs-title">
      <h2 id="certs-title" className="panel-title">
        {t('certificatesTitle')}
      </h2>
      {rows.map(([label, c]) => (
        <div key={label} className="cert-row" data-cert={label}>
          <h3 className="cert-name">
            {t(label)} <Badge tone={certTone(c.status)}>{tv('cert_', c.status)}</Badge>
          </h3>
          <dl className="facts">
            <dt>{t('notAfter')}</dt>
            <dd className="mono">{formatDate(c.notAfter)}</dd>
            {c.statusChangedAt && (
              <>
                <dt>{t('statusChangedAt')}</dt>
                <dd className="mono">{formatDateTime(c.statusChangedAt)}</dd>
              </>
            )}
            {c.reason && (
              <>
                <dt>{t('reason')}</dt>
                <dd>{c.reason}</dd>
              </>
            )}
          </dl>
        </div>
      ))}
    </section>
  );
}

export function CardFacts({ d }: { d: Diagnosis }) {
  const { t, tv } = useLang();
  return (
    <section className="panel" aria-labelledby="card-title">
      <h2 id="card-title" className="panel-title">
        {t('cardTitle')}
      </h2>
      <dl className="facts">
        <dt>{t('cardStatus')}</dt>
        <dd>
          <Badge tone={d.card.status === 'active' ? 'ok' : d.card.status === 'revoked' ? 'muted' : 'warning'}>{tv('card_', d.card.status)}</Badge>
        </dd>
        <dt>{t('cardExpiry')}</dt>
        <dd className="mono">{formatDate(d.card.expiresAt)}</dd>
        <dt>{t('issuedAt')}</dt>
        <dd className="mono">{formatDate(d.card.issuedAt)}</dd>
        <dt>{t('lastSuccess')}</dt>
        <dd className="mono">{d.lastSuccess ? formatDateTime(d.lastSuccess) : t('none')}</dd>
        <dt>{t('cardId')}</dt>
        <dd className="mono small break">{d.card.cardId}</dd>
      </dl>
    </section>
  );
}

export function FindingsList({ findings }: { findings: Diagnosis['findings'] }) {
  const { t, pick } = useLang();
  return (
    <section className="panel" aria-labelledby="findings-title">
      <h2 id="findings-title" className="panel-title">
        {t('findingsTitle')}
      </h2>
      {findings.length === 0 ? (
        <p className="muted">{t('noFindings')}</p>
      ) : (
        <ul className="findings" data-testid="findings">
          {findings.map((f, i) => {
            const tone = f.code in VERDICT_TONE ? VERDICT_TONE[f.code as keyof typeof VERDICT_TONE] : 'info';
            return (
              <li key={`${f.code}-${f.slot ?? ''}-${i}`} className={`finding finding-${tone}`}>
                <code className="finding-code">{f.code}</code>
                <span>
                  <RichText text={pick(f.text)} />
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
