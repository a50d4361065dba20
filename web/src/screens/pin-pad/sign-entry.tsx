import { useEffect, useRef, type FormEvent } from 'react';
import { Field } from '../../components/field';
import { useLang } from '../../i18n/lang';

/** The signing password: 6–16 capital letters and digits, typed (masked) in a large field. */
export function SignEntry({ value, onChange, onSubmit, resetKey }: { value: string; onChange(v: string): void; onSubmit(): void; resetKey: string }) {
  const { t } = useLang();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), [resetKey]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (value.length > 0) onSubmit();
  };
  return (
    <form className="sign-entry" onSubmit={submit} autoComplete="off">
      <Field label={t('padSignInput')} hint={t('padSignHint')}>
        {(f) => (
          <input
            {...f}
            ref={input}
            name="signPassword"
            type="password"
            className="input-huge"
            autoCapitalize="characters"
            autoComplete="off"
            spellCheck={false}
            maxLength={16}
            value={value}
            onChange={(e) => onChange(e.target.value.toUpperCase())}
            data-testid="sign-input"
          />
        )}
      </Field>
      <button type="submit" className="button button-primary button-huge" disabled={value.length === 0} data-testid="pad-ok">
        {t('padOk')}
      </button>
    </form>
  );
}
