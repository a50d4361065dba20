import type { Resident } from '../api/types';
import { useLang } from '../i18n/lang';

export function ResidentSummary({ resident }: { resident: Resident }) {
  const { t } = useLang();
  return (
    <section className="resident-summary" aria-label={t('holder')}>
      <div>
        <span className="name-large">{resident.name}</span>
        <span className="kana">{resident.nameKana}</span>
      </div>
      <dl className="facts-inline">
        <div>
          <dt>{t('colMyNumber')}</dt>
          <dd className="mono">{resident.myNumberMasked}</dd>
        </div>
        <div>
          <dt>{t('colBirthDate')}</dt>
          <dd className="mono">{resident.birthDate}</dd>
        </div>
        <div>
          <dt>{t('colAddress')}</dt>
          <dd>{resident.address}</dd>
        </div>
      </dl>
    </section>
  );
}
