import { useLang } from '../i18n/lang';

export function LangSwitch({ large = false }: { large?: boolean }) {
  const { lang, setLang, t } = useLang();
  const next = lang === 'ja' ? 'en' : 'ja';
  return (
    <button
      type="button"
      className={large ? 'button button-secondary button-large lang-switch' : 'button button-ghost lang-switch'}
      onClick={() => setLang(next)}
      aria-label={t('langSwitchLabel')}
      lang={next}
      data-testid="lang-switch"
    >
      {t('langSwitch')}
    </button>
  );
}
