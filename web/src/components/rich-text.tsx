/** Server text that marks identifiers with backticks (`auth`): shown as code, the rest as plain text. */
export function RichText({ text }: { text: string }) {
  const parts = text.split(/`([^`]+)`/);
  return <>{parts.map((part, i) => (i % 2 === 1 ? <code key={i} className="ident">{part}</code> : part))}</>;
}
