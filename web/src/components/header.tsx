import type { Staff } from '../api/types';
import { useMunicipalityName } from '../api/municipalities';
import { useLang } from '../i18n/lang';
import { Link, paths, type Route } from '../router';
import { LangSwitch } from './lang-switch';

export function Header({ staff, route, onSignOut }: { staff: Staff | null; route: Route; onSignOut(): void }) {
  const { t, tv, lang } = useLang();
  const city = useMunicipalityName(staff?.municipalityCode, lang);
  const current = (names: Route['name'][]) => (names.includes(route.name) ? 'page' : undefined);
  return (
    <header className="app-header">
      <div className="app-header-inner">
        <a className="brand" href={paths.search()} aria-label={t('appName')}>
          <img src="/counter/favicon.svg" alt="" width="28" height="28" />
          <span className="brand-name">{t('appName')}</span>
          {city && <span className="brand-city">{city}</span>}
        </a>
        {staff && (
          <nav className="app-nav" aria-label={t('appName')}>
            <Link href={paths.search()} aria-current={current(['search', 'diagnosis', 'start'])}>
              {t('navSearch')}
            </Link>
            <Link href={paths.work()} aria-current={current(['work', 'procedure'])}>
              {t('navWork')}
            </Link>
            {staff.role !== 'auditor' && (
              <Link href={paths.dashboard()} aria-current={current(['dashboard'])} data-testid="nav-dashboard">
                {t('navDashboard')}
              </Link>
            )}
            {staff.role === 'national_admin' && (
              <Link href={paths.clientApps()} aria-current={current(['clientApps'])} data-testid="nav-client-apps">
                {t('navClientApps')}
              </Link>
            )}
            {staff.role === 'national_admin' && (
              <Link href={paths.services()} aria-current={current(['services'])} data-testid="nav-services">
                {t('navServices')}
              </Link>
            )}
            {staff.role === 'national_admin' && !staff.municipalityCode && (
              <Link href={paths.massJobs()} aria-current={current(['massJobs'])} data-testid="nav-mass-jobs">
                {t('navMassJobs')}
              </Link>
            )}
            {staff.role === 'national_admin' && (
              <Link href={paths.risk()} aria-current={current(['risk'])} data-testid="nav-risk">
                {t('navRisk')}
              </Link>
            )}
            {staff.municipalityCode && (
              <a href={`/guidance/${staff.municipalityCode}${lang === 'en' ? '?lang=en' : ''}`} target="_blank" rel="noopener">
                {t('navGuidance')}
              </a>
            )}
          </nav>
        )}
        <div className="app-header-tools">
          {staff && (
            <span className="staff-name" data-testid="staff-name">
              <span className="visually-hidden">{t('signedInLabel')}</span>
              {staff.name}
              <span className="staff-role">{tv('role_', staff.role)}</span>
            </span>
          )}
          <LangSwitch />
          {staff && (
            <button type="button" className="button button-ghost" onClick={onSignOut}>
              {t('signOut')}
            </button>
          )}
        </div>
      </div>
    </header>
  );
}
