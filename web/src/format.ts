// Dates as the counter reads them: Japan time, numeric, the same in both languages. The API speaks UTC, so every
// time of day carries its zone (JST): a clerk comparing with a log or a caller never has to guess.

const dateTime = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Tokyo',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});
const dateOnly = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' });
const timeOnly = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit' });

const parse = (iso: string | null | undefined) => (iso ? new Date(iso) : null);

export function formatDateTime(iso: string | null | undefined): string {
  const d = parse(iso);
  return d ? `${dateTime.format(d)} JST` : '—';
}

export function formatDate(iso: string | null | undefined): string {
  const d = parse(iso);
  return d ? dateOnly.format(d) : '—';
}

export function formatTime(iso: string | null | undefined): string {
  const d = parse(iso);
  return d ? `${timeOnly.format(d)} JST` : '—';
}
