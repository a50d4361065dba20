import { useState, type FormEvent } from 'react';
import { post } from '../api/client';
import type { ResponseOf, Staff } from '../api/types';
import { ErrorBox } from '../components/error-box';
import { Field } from '../components/field';
import { useLang } from '../i18n/lang';
import { useAction } from '../components/use-action';

export function SignIn({ onSignedIn, expired }: { onSignedIn(staff: Staff): void; expired: boolean }) {
  const { t } = useLang();
  const [loginId, setLoginId] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const { busy, error, run } = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const signedIn = await run(async () => {
      const r = await post<ResponseOf<'/api/v1/staff/session', 'post'>>('/api/v1/staff/session', { loginId: loginId.trim(), password, totp: totp.trim() }, { staff: false });
      setPassword('');
      onSignedIn(r.staff);
      return true;
    });
    // A one-time code is spent or wrong either way: the next try needs a fresh one.
    if (!signedIn) setTotp('');
  };

  return (
    <section className="panel sign-in" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">{t('signInTitle')}</h1>
      <p className="lead">{t('signInLead')}</p>
      {expired && (
        <p className="alert alert-info" role="status">
          {t('sessionExpired')}
        </p>
      )}
      <ErrorBox error={error} />
      <form onSubmit={submit} className="form-stack">
        <Field label={t('loginId')}>
          {(f) => <input {...f} name="loginId" autoComplete="username" required value={loginId} onChange={(e) => setLoginId(e.target.value)} autoFocus />}
        </Field>
        <Field label={t('password')}>
          {(f) => <input {...f} name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />}
        </Field>
        <Field label={t('totp')} hint={t('totpHint')}>
          {(f) => (
            <input
              {...f}
              name="totp"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]{6}"
              maxLength={6}
              required
              value={totp}
              onChange={(e) => setTotp(e.target.value.replace(/\D/g, ''))}
              className="input-code"
            />
          )}
        </Field>
        <button type="submit" className="button button-primary button-large" disabled={busy}>
          {busy ? t('signingIn') : t('signIn')}
        </button>
      </form>
    </section>
  );
}
