import { useLang } from '../i18n/lang';

export function Loading() {
  const { t } = useLang();
  return (
    <p className="loading" role="status">
      {t('loading')}
    </p>
  );
}
