import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { request, setUnauthenticatedHandler } from './api/client';
import type { Staff } from './api/types';
import { Header } from './components/header';
import { Loading } from './components/loading';
import { useLang } from './i18n/lang';
import { Link, paths, useRoute, type Route } from './router';
import { DiagnosisScreen } from './screens/diagnosis';
import { OpenWorkScreen } from './screens/open-work';
import { PinPadPage } from './screens/pin-pad/pin-pad-page';
import { ProcedureScreen } from './screens/procedure/procedure-screen';
import { ProcedureStart } from './screens/procedure/procedure-start';
import { SearchScreen } from './screens/search';
import { RelyingServicesScreen } from './screens/relying-services';
import { MassJobsScreen } from './screens/mass-jobs';
import { RiskScreen } from './screens/risk';
import { SignIn } from './screens/sign-in';
// The chart library is loaded only by the screens that draw charts, not by every console page.
const LockDashboardScreen = lazy(() => import('./screens/lock-dashboard').then((m) => ({ default: m.LockDashboardScreen })));
const ClientAppRatesScreen = lazy(() => import('./screens/client-app-rates').then((m) => ({ default: m.ClientAppRatesScreen })));

export function App() {
  const route = useRoute();
  // The customer-facing PIN pad needs no staff login: its one-time address is the credential.
  if (route.name === 'pinpad') return <PinPadPage token={route.token} />;
  return <StaffConsole route={route} />;
}

function StaffConsole({ route }: { route: Route }) {
  const { t } = useLang();
  const [staff, setStaff] = useState<Staff | null | 'checking'>('checking');
  const [expired, setExpired] = useState(false);

  useEffect(() => {
    request<{ staff: Staff }>('GET', '/api/v1/staff/me', { staff: false })
      .then((r) => setStaff(r.staff))
      .catch(() => setStaff(null));
  }, []);
  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setStaff((s) => {
        if (s && s !== 'checking') setExpired(true);
        return null;
      });
    });
  }, []);

  const signOut = useCallback(async () => {
    await request('DELETE', '/api/v1/staff/session', { staff: false }).catch(() => undefined);
    setExpired(false);
    setStaff(null);
  }, []);

  const signedIn = staff !== 'checking' && staff !== null ? staff : null;
  return (
    <>
      <a className="skip-link" href="#main">
        {t('skipToMain')}
      </a>
      <Header staff={signedIn} route={route} onSignOut={signOut} />
      <main id="main" className="app-main" tabIndex={-1}>
        {staff === 'checking' ? (
          <Loading />
        ) : staff === null ? (
          <SignIn
            expired={expired}
            onSignedIn={(s) => {
              setExpired(false);
              setStaff(s);
            }}
          />
        ) : (
          <Screen route={route} staff={staff} />
        )}
      </main>
    </>
  );
}

function Screen({ route, staff }: { route: Route; staff: Staff }) {
  const { t } = useLang();
  switch (route.name) {
    case 'search':
      return <SearchScreen />;
    case 'diagnosis':
      return <DiagnosisScreen cardId={route.cardId} />;
    case 'start':
      return <ProcedureStart cardId={route.cardId} />;
    case 'work':
      return <OpenWorkScreen staff={staff} />;
    case 'procedure':
      return <ProcedureScreen procedureId={route.procedureId} />;
    case 'services':
      return <RelyingServicesScreen staff={staff} />;
    case 'massJobs':
      return <MassJobsScreen staff={staff} />;
    case 'dashboard':
      return (
        <Suspense fallback={<Loading />}>
          <LockDashboardScreen staff={staff} />
        </Suspense>
      );
    case 'clientApps':
      return (
        <Suspense fallback={<Loading />}>
          <ClientAppRatesScreen staff={staff} />
        </Suspense>
      );
    case 'risk':
      return <RiskScreen staff={staff} />;
    default:
      return (
        <section className="panel">
          <h1>{t('notFoundTitle')}</h1>
          <Link className="button button-primary" href={paths.search()}>
            {t('toHome')}
          </Link>
        </section>
      );
  }
}
