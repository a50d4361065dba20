import { useEffect } from 'react';
import { useLang } from '../../i18n/lang';

const LENGTH = 4;
const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

/** A large on-screen keypad for a 4-digit PIN; the digits show only as •. The keyboard works too. */
export function Keypad({ value, onChange, onSubmit }: { value: string; onChange(v: string): void; onSubmit(): void }) {
  const { t } = useLang();
  const full = value.length >= LENGTH;
  const add = (d: string) => !full && onChange(value + d);
  const back = () => onChange(value.slice(0, -1));

  useEffect(() => {
    const key = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement) return;
      if (/^[0-9]$/.test(e.key)) {
        e.preventDefault();
        if (value.length < LENGTH) onChange(value + e.key);
      } else if (e.key === 'Backspace') {
        e.preventDefault();
        onChange(value.slice(0, -1));
      } else if (e.key === 'Enter' && value.length === LENGTH) {
        e.preventDefault();
        onSubmit();
      }
    };
    window.addEventListener('keydown', key);
    return () => window.removeEventListener('keydown', key);
  }, [value, onChange, onSubmit]);

  return (
    <div className="keypad-wrap">
      <div className="pin-boxes" aria-live="polite" aria-label={t('padEntered', { n: value.length })} data-testid="pin-boxes">
        {Array.from({ length: LENGTH }, (_, i) => (
          <span key={i} className={i < value.length ? 'pin-box pin-box-filled' : 'pin-box'}>
            {i < value.length ? '•' : ''}
          </span>
        ))}
      </div>
      <div className="keypad" role="group" aria-label={t('padDigitsHint')}>
        {KEYS.map((d) => (
          <button key={d} type="button" className="key" onClick={() => add(d)} aria-label={t('padDigit', { d })} data-key={d}>
            {d}
          </button>
        ))}
        <button type="button" className="key key-aux" onClick={() => onChange('')} data-key="clear">
          {t('padClear')}
        </button>
        <button type="button" className="key" onClick={() => add('0')} aria-label={t('padDigit', { d: 0 })} data-key="0">
          0
        </button>
        <button type="button" className="key key-aux" onClick={back} aria-label={t('padBackspace')} data-key="back">
          ⌫
        </button>
      </div>
      <button type="button" className="button button-primary button-huge" disabled={!full} onClick={onSubmit} data-testid="pad-ok">
        {t('padOk')}
      </button>
    </div>
  );
}
