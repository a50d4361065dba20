import { useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { get } from '../api/client';
import { loadMunicipalities } from '../api/municipalities';
import type { LockDashboard, Municipality, Staff } from '../api/types';
import { ErrorBox } from '../components/error-box';
import { Loading } from '../components/loading';
import { useLoad } from '../components/use-load';
import { useLang } from '../i18n/lang';
import type { Key } from '../i18n/dictionary';

// The lock dashboard (issue 11): incidents per day by cause, by service and channel, and unlocks by channel and
// municipality. Each chart (recharts, SVG) has its table beside it: the numbers are readable without the picture.

export const CAUSES = ['real_lock', 'client_mismatch', 'certificate', 'risk_hold', 'outage'] as const;
type Cause = (typeof CAUSES)[number];
export const CAUSE_COLOURS: Readonly<Record<Cause, string>> = {
  real_lock: '#b42318',
  client_mismatch: '#175cd3',
  certificate: '#a04a06',
  risk_hold: '#6941c6',
  outage: '#5a6778',
};
const DAY_OPTIONS = [30, 60, 90] as const;

type CauseRow = Record<Cause, number>;
const total = (r: CauseRow) => CAUSES.reduce((n, c) => n + r[c], 0);

export function LockDashboardScreen({ staff }: { staff: Staff }) {
  const { t, lang } = useLang();
  const [days, setDays] = useState<number>(60);
  const [municipality, setMunicipality] = useState<string>('');
  const [municipalities, setMunicipalities] = useState<readonly Municipality[]>([]);
  useEffect(() => {
    loadMunicipalities().then(setMunicipalities).catch(() => undefined);
  }, []);
  const query = `days=${days}${municipality ? `&municipality=${municipality}` : ''}`;
  const load = useLoad(query, () => get<LockDashboard>(`/api/v1/counter/dashboard/locks?${query}`));
  const nameOf = (code: string | null) => {
    const m = municipalities.find((x) => x.code === code);
    return m ? (lang === 'ja' ? m.nameJa : m.nameEn) : (code ?? '');
  };
  const d = load.data;
  return (
    <>
      <div className="page-head">
        <h1 className="page-title">{t('dashboardTitle')}</h1>
        <div className="dashboard-filters">
          <label>
            {t('dashboardDays')}{' '}
            <select value={days} onChange={(e) => setDays(Number(e.target.value))} data-testid="dashboard-days">
              {DAY_OPTIONS.map((n) => (
                <option key={n} value={n}>
                  {t('daysOption', { days: n })}
                </option>
              ))}
            </select>
          </label>
          {staff.municipalityCode === null && (
            <label>
              {t('colMunicipality')}{' '}
              <select value={municipality} onChange={(e) => setMunicipality(e.target.value)} data-testid="dashboard-municipality">
                <option value="">{t('dashboardScopeAll')}</option>
                {municipalities.map((m) => (
                  <option key={m.code} value={m.code}>
                    {lang === 'ja' ? m.nameJa : m.nameEn}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
      </div>
      <p className="muted" data-testid="dashboard-scope">
        {t('dashboardLead', { days })} {d && (d.municipalityCode ? t('dashboardScopeOne', { name: nameOf(d.municipalityCode) }) : t('dashboardScopeAll'))}
      </p>
      {!d ? load.error ? <ErrorBox error={load.error} /> : <Loading /> : <DashboardBody d={d} />}
    </>
  );
}

function DashboardBody({ d }: { d: LockDashboard }) {
  const { t, tv, lang } = useLang();
  const causeName = (c: Cause) => t(`cause_${c}` as Key);
  const byDay = d.byDay.map((r) => ({ ...r, label: r.day.slice(5) }));
  const service = d.byService.map((r) => ({ ...r, label: tv('service_', r.service) }));
  const channel = d.byChannel.map((r) => ({ ...r, label: tv('channel_', r.channel) }));
  const unlockChannel = d.unlocksByChannel.map((r) => ({ ...r, label: tv('channel_', r.channel) }));
  const unlockCity = d.unlocksByMunicipality.map((r) => ({ ...r, label: lang === 'ja' ? r.nameJa : r.nameEn }));
  const stacked = (layout: 'horizontal' | 'vertical') =>
    CAUSES.map((c) => <Bar key={c} dataKey={c} name={causeName(c)} stackId="cause" fill={CAUSE_COLOURS[c]} isAnimationActive={false} {...(layout === 'vertical' ? { barSize: 18 } : {})} />);
  return (
    <>
      <ChartPanel id="by-day" title={t('chartByDay')}
        chart={
          <ResponsiveContainer width="100%" height={320}>
            <BarChart data={byDay} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="label" interval={Math.max(0, Math.floor(byDay.length / 10) - 1)} tick={{ fontSize: 12 }} />
              <YAxis allowDecimals={false} tick={{ fontSize: 12 }} />
              <Tooltip />
              <Legend />
              {stacked('horizontal')}
            </BarChart>
          </ResponsiveContainer>
        }
        table={<CauseTable first={t('colDay')} rows={[...d.byDay].reverse().filter((r) => total(r) > 0).map((r) => ({ key: r.day, name: r.day, counts: r }))} />}
      />
      <div className="grid-2">
        <ChartPanel id="by-service" title={t('chartByService')} stack
          chart={<HorizontalStack data={service} bars={stacked('vertical')} />}
          table={<CauseTable first={t('colService')} rows={service.map((r) => ({ key: r.service ?? '-', name: r.label, counts: r }))} />}
        />
        <ChartPanel id="by-channel" title={t('chartByChannel')} stack
          chart={<HorizontalStack data={channel} bars={stacked('vertical')} />}
          table={<CauseTable first={t('colChannel')} rows={channel.map((r) => ({ key: r.channel ?? '-', name: r.label, counts: r }))} />}
        />
      </div>
      <div className="grid-2">
        <ChartPanel id="unlocks-channel" title={t('chartUnlocksByChannel')} stack
          chart={<HorizontalStack data={unlockChannel} bars={[<Bar key="count" dataKey="count" name={t('colCount')} fill="#0a6b42" isAnimationActive={false} barSize={18} />]} />}
          table={<CountTable first={t('colChannel')} rows={unlockChannel.map((r) => ({ key: r.channel ?? '-', name: r.label, count: r.count }))} />}
        />
        <ChartPanel id="unlocks-municipality" title={t('chartUnlocksByMunicipality')} stack
          chart={<HorizontalStack data={unlockCity} bars={[<Bar key="count" dataKey="count" name={t('colCount')} fill="#1f4e79" isAnimationActive={false} barSize={18} />]} />}
          table={<CountTable first={t('colMunicipality')} rows={unlockCity.map((r) => ({ key: r.municipalityCode, name: r.label, count: r.count }))} />}
        />
      </div>
    </>
  );
}

function HorizontalStack({ data, bars }: { data: ReadonlyArray<Record<string, unknown>>; bars: React.ReactNode }) {
  if (data.length === 0) return null;
  return (
    <ResponsiveContainer width="100%" height={Math.max(120, data.length * 34 + 60)}>
      <BarChart data={[...data]} layout="vertical" margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" horizontal={false} />
        <XAxis type="number" allowDecimals={false} tick={{ fontSize: 12 }} />
        <YAxis type="category" dataKey="label" width={150} tick={{ fontSize: 12 }} />
        <Tooltip />
        {bars}
      </BarChart>
    </ResponsiveContainer>
  );
}

/** A chart with its table beside it (below it on narrow screens, or when `stack`). */
function ChartPanel({ id, title, chart, table, stack }: { id: string; title: string; chart: React.ReactNode; table: React.ReactNode; stack?: boolean }) {
  return (
    <section className="panel" aria-labelledby={`${id}-title`} data-testid={`chart-${id}`}>
      <h2 id={`${id}-title`} className="panel-title">
        {title}
      </h2>
      <div className={stack ? 'chart-stack' : 'chart-beside'}>
        <div className="chart-area" role="img" aria-label={title}>
          {chart}
        </div>
        <div className="chart-table">{table}</div>
      </div>
    </section>
  );
}

function CauseTable({ first, rows }: { first: string; rows: Array<{ key: string; name: string; counts: CauseRow }> }) {
  const { t } = useLang();
  if (rows.length === 0) return <p className="muted">{t('noIncidents')}</p>;
  return (
    <div className="table-wrap table-scroll">
      <table className="table table-compact">
        <thead>
          <tr>
            <th scope="col">{first}</th>
            {CAUSES.map((c) => (
              <th key={c} scope="col" className="num">
                <span className="cause-dot" data-cause={c} aria-hidden="true" />
                {t(`cause_${c}` as Key)}
              </th>
            ))}
            <th scope="col" className="num">{t('colTotal')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <th scope="row">{r.name}</th>
              {CAUSES.map((c) => (
                <td key={c} className="num">{r.counts[c]}</td>
              ))}
              <td className="num strong">{total(r.counts)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CountTable({ first, rows }: { first: string; rows: Array<{ key: string; name: string; count: number }> }) {
  const { t } = useLang();
  if (rows.length === 0) return <p className="muted">{t('noIncidents')}</p>;
  return (
    <div className="table-wrap">
      <table className="table table-compact">
        <thead>
          <tr>
            <th scope="col">{first}</th>
            <th scope="col" className="num">{t('colCount')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <th scope="row">{r.name}</th>
              <td className="num">{r.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
