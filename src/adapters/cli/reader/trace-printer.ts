import type { Exchange, Text } from './kagiya-card-client.js';

// `kagiya reader --trace`: every command and answer, decoded, Japanese first. The server's decoding never
// holds PINs, keys or personal data; the response data is shown by length only.

const both = (t: Text) => `${t.ja} / ${t.en}`;

export function formatExchange(x: Exchange): string {
  const lines = [`→ ${x.trace.command}`, `  ${both(x.trace.does)}`];
  const data = x.trace.dataLength > 0 ? ` [${x.trace.dataLength} bytes]` : '';
  lines.push(`← ${x.trace.sw.slice(0, 2)} ${x.trace.sw.slice(2)}${data}  ${both(x.trace.means)}`);
  if (x.trace.why) lines.push(`  ※ ${x.trace.why.ja}`, `    ${x.trace.why.en}`);
  for (const note of x.notes) lines.push(`  ※ ${note.ja}`, `    ${note.en}`);
  return lines.join('\n');
}

export const formatStatus = (t: Text) => `● ${both(t)}`;
