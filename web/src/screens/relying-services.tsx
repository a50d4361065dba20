import { useState, type FormEvent } from 'react';
import { get, post } from '../api/client';
import type { Staff } from '../api/types';
import { Badge } from '../components/badge';
import { ErrorBox } from '../components/error-box';
import { Field } from '../components/field';
import { Loading } from '../components/loading';
import { useLoad } from '../components/use-load';
import { formatDate } from '../format';
import { useLang } from '../i18n/lang';
import { useAction } from '../components/use-action';

// Relying services (OIDC clients of Kagiya's provider), for national admins: register, stop/restart, new secret.
// The API (/api/v1/oidc/clients) audits every change; the secret is shown once, here, and never again.

type Service = Readonly<{
  clientId: string;
  nameJa: string;
  nameEn: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  scopes: string[];
  createdAt: string;
  disabledAt: string | null;
}>;

const SCOPES = ['openid', 'jpki_sign_attributes', 'kagiya_card', 'kagiya_card_manage'] as const;
const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean);

export function RelyingServicesScreen({ staff }: { staff: Staff }) {
  const { t } = useLang();
  const load = useLoad('services', () => get<{ clients: Service[] }>('/api/v1/oidc/clients'));
  const [secret, setSecret] = useState<{ clientId: string; value: string } | null>(null);
  if (staff.role !== 'national_admin') return <p className="panel">{t('serviceOnlyNational')}</p>;
  return (
    <>
      <h1 className="page-title">{t('servicesTitle')}</h1>
      <p className="muted">{t('servicesLead')}</p>
      {secret && (
        <div className="alert alert-info" role="status" data-testid="client-secret">
          <p className="alert-title">
            {secret.clientId}: {t('serviceSecretOnce')}
          </p>
          <p className="mono" data-testid="client-secret-value">
            {secret.value}
          </p>
        </div>
      )}
      <RegisterForm
        onRegistered={(clientId, value) => {
          setSecret({ clientId, value });
          load.reload();
        }}
      />
      <ErrorBox error={load.error} />
      {!load.data ? load.error ? null : <Loading /> : <ServicesTable services={load.data.clients} onChanged={load.reload} onSecret={(clientId, value) => setSecret({ clientId, value })} />}
    </>
  );
}

function RegisterForm({ onRegistered }: { onRegistered(clientId: string, secret: string): void }) {
  const { t } = useLang();
  const [clientId, setClientId] = useState('');
  const [nameJa, setNameJa] = useState('');
  const [nameEn, setNameEn] = useState('');
  const [redirects, setRedirects] = useState('');
  const [logouts, setLogouts] = useState('');
  const [scopes, setScopes] = useState<string[]>(['openid']);
  const { busy, error, run } = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      const r = await post<{ client: Service; clientSecret: string }>('/api/v1/oidc/clients', {
        clientId: clientId.trim(),
        nameJa,
        nameEn,
        redirectUris: lines(redirects),
        postLogoutRedirectUris: lines(logouts),
        scopes,
      });
      onRegistered(r.client.clientId, r.clientSecret);
      setClientId('');
      setNameJa('');
      setNameEn('');
      setRedirects('');
      setLogouts('');
      setScopes(['openid']);
    });
  };
  const toggle = (scope: string) => setScopes((s) => (s.includes(scope) ? s.filter((x) => x !== scope) : [...s, scope]));
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="register-title" data-testid="register-service">
      <h2 id="register-title" className="panel-title">
        {t('serviceRegister')}
      </h2>
      <ErrorBox error={error} />
      <Field label={t('serviceId')} hint={t('serviceIdHint')}>
        {(f) => <input {...f} name="clientId" value={clientId} maxLength={63} required onChange={(e) => setClientId(e.target.value)} />}
      </Field>
      <Field label={t('serviceNameJa')}>{(f) => <input {...f} name="nameJa" value={nameJa} maxLength={80} required onChange={(e) => setNameJa(e.target.value)} />}</Field>
      <Field label={t('serviceNameEn')}>{(f) => <input {...f} name="nameEn" value={nameEn} maxLength={80} required onChange={(e) => setNameEn(e.target.value)} />}</Field>
      <Field label={t('serviceRedirect')} hint={t('serviceRedirectHint')}>
        {(f) => <textarea {...f} name="redirectUris" rows={2} value={redirects} required onChange={(e) => setRedirects(e.target.value)} />}
      </Field>
      <Field label={t('serviceLogout')}>{(f) => <textarea {...f} name="postLogoutRedirectUris" rows={2} value={logouts} onChange={(e) => setLogouts(e.target.value)} />}</Field>
      <fieldset className="field">
        <legend className="field-label">{t('serviceScopes')}</legend>
        {SCOPES.map((scope) => (
          <label key={scope} className="check">
            <input type="checkbox" name="scopes" value={scope} checked={scope === 'openid' || scopes.includes(scope)} disabled={scope === 'openid'} onChange={() => toggle(scope)} />{' '}
            {t(`scope_${scope}`)}
          </label>
        ))}
      </fieldset>
      <button type="submit" className="button button-primary" disabled={busy}>
        {busy ? t('serviceRegistering') : t('serviceRegister')}
      </button>
    </form>
  );
}

function ServicesTable({ services, onChanged, onSecret }: { services: Service[]; onChanged(): void; onSecret(clientId: string, secret: string): void }) {
  const { t, lang } = useLang();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  if (services.length === 0) return <p className="panel muted">{t('servicesNone')}</p>;
  const act = async (run: () => Promise<void>) => {
    setError(null);
    try {
      await run();
      setReason('');
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="panel" aria-labelledby="services-title">
      <h2 id="services-title" className="panel-title">
        {t('navServices')}
      </h2>
      <ErrorBox error={error} />
      <Field label={t('serviceReason')}>{(f) => <input {...f} name="reason" value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} />}</Field>
      <div className="table-wrap">
        <table className="table" data-testid="services">
          <thead>
            <tr>
              <th>{t('serviceId')}</th>
              <th>{t('serviceNameJa')}</th>
              <th>{t('serviceScopes')}</th>
              <th>{t('serviceRegistered')}</th>
              <th>{t('serviceState')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {services.map((s) => (
              <tr key={s.clientId} data-client-id={s.clientId}>
                <td className="mono">{s.clientId}</td>
                <td>
                  {lang === 'ja' ? s.nameJa : s.nameEn}
                  <span className="muted small block">{s.redirectUris.join(' ')}</span>
                </td>
                <td>{s.scopes.map((scope) => t(`scope_${scope}` as 'scope_openid')).join(lang === 'ja' ? '、' : ', ')}</td>
                <td className="nowrap">{formatDate(s.createdAt)}</td>
                <td>{s.disabledAt ? <Badge tone="danger">{t('serviceDisabled')}</Badge> : <Badge tone="ok">{t('serviceActive')}</Badge>}</td>
                <td className="nowrap">
                  <button
                    type="button"
                    className="button button-ghost"
                    disabled={!reason.trim()}
                    onClick={() => void act(() => post(`/api/v1/oidc/clients/${s.clientId}/state`, { enabled: !!s.disabledAt, reason: reason.trim() }))}
                  >
                    {s.disabledAt ? t('serviceStart') : t('serviceStop')}
                  </button>{' '}
                  <button
                    type="button"
                    className="button button-ghost"
                    disabled={!reason.trim()}
                    onClick={() =>
                      void act(async () => {
                        const r = await post<{ clientId: string; clientSecret: string }>(`/api/v1/oidc/clients/${s.clientId}/secret`, { reason: reason.trim() });
                        onSecret(r.clientId, r.clientSecret);
                      })
                    }
                  >
                    {t('serviceRotate')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
