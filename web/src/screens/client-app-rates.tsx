import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { get } from '../api/client';
import type { ClientMismatchRates, Staff } from '../api/types';
import { ErrorBox } from '../components/error-box';
import { Loading } from '../components/loading';
import { useLoad } from '../components/use-load';
import { useLang } from '../i18n/lang';

// National admin only (issue 11): which app and version shows people something the card's record contradicts.

const DAYS = 90;
const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);

export function ClientAppRatesScreen({ staff }: { staff: Staff }) {
  const { t } = useLang();
  const allowed = staff.role === 'national_admin';
  const load = useLoad(`rates-${allowed}`, () => (allowed ? get<ClientMismatchRates>(`/api/v1/admin/client-reports/mismatch-rates?days=${DAYS}`) : Promise.resolve(null)));
  if (!allowed) return <p className="panel">{t('serviceOnlyNational')}</p>;
  if (!load.data) return load.error ? <ErrorBox error={load.error} /> : <Loading />;
  const rows = load.data.rows.map((r) => ({ ...r, label: `${r.app} ${r.appVersion}`, ratePercent: r.mismatchRate === null ? 0 : Math.round(r.mismatchRate * 1000) / 10 }));
  return (
    <>
      <div className="page-head">
        <h1 className="page-title">{t('ratesTitle')}</h1>
      </div>
      <p className="muted">{t('ratesLead', { days: DAYS })}</p>
      <section className="panel" aria-labelledby="rates-title" data-testid="chart-rates">
        <h2 id="rates-title" className="panel-title">
          {t('chartRates')}
        </h2>
        <div className="chart-stack">
          <div className="chart-area" role="img" aria-label={t('chartRates')}>
            <ResponsiveContainer width="100%" height={Math.max(140, rows.length * 34 + 60)}>
              <BarChart data={rows} layout="vertical" margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
                <CartesianGrid strokeDasharray="3 3" horizontal={false} />
                <XAxis type="number" domain={[0, 100]} unit="%" tick={{ fontSize: 12 }} />
                <YAxis type="category" dataKey="label" width={180} tick={{ fontSize: 12 }} />
                <Tooltip />
                <Bar dataKey="ratePercent" name={t('colRate')} fill="#175cd3" isAnimationActive={false} barSize={18} />
              </BarChart>
            </ResponsiveContainer>
          </div>
          <div className="table-wrap">
            <table className="table table-compact" data-testid="rates-table">
              <thead>
                <tr>
                  <th scope="col">{t('colApp')}</th>
                  <th scope="col">{t('colVersion')}</th>
                  <th scope="col" className="num">{t('colChecked')}</th>
                  <th scope="col" className="num">{t('colMismatch')}</th>
                  <th scope="col" className="num">{t('colAgrees')}</th>
                  <th scope="col" className="num">{t('colOutage')}</th>
                  <th scope="col" className="num">{t('colUnverifiable')}</th>
                  <th scope="col" className="num">{t('colRate')}</th>
                </tr>
              </thead>
              <tbody>
                {load.data.rows.map((r) => (
                  <tr key={`${r.app}|${r.appVersion}`}>
                    <th scope="row">{r.app}</th>
                    <td className="mono">{r.appVersion}</td>
                    <td className="num">{r.checked}</td>
                    <td className="num">{r.mismatch}</td>
                    <td className="num">{r.agrees}</td>
                    <td className="num">{r.outage}</td>
                    <td className="num">{r.unverifiable}</td>
                    <td className="num strong">{percent(r.mismatchRate)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      </section>
    </>
  );
}
