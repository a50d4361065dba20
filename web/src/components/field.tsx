import { useId, type ReactNode } from 'react';

export type FieldProps = Readonly<{ id: string; 'aria-describedby'?: string }>;

/** A label, its input and a hint tied to the input by aria-describedby (the hint is not part of the label). */
export function Field({
  label,
  hint,
  hintClass = 'field-hint',
  className = '',
  children,
}: {
  label: ReactNode;
  hint?: ReactNode;
  hintClass?: string;
  className?: string;
  children(props: FieldProps): ReactNode;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className={`field ${className}`}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {children(hint ? { id, 'aria-describedby': hintId } : { id })}
      {hint && (
        <span className={hintClass} id={hintId}>
          {hint}
        </span>
      )}
    </div>
  );
}
