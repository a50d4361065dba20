// Dates as a Japanese certificate prints them: the era (和暦) with the Western year beside it.

const ERAS = [
  { name: '令和', start: '2019-05-01' },
  { name: '平成', start: '1989-01-08' },
  { name: '昭和', start: '1926-12-25' },
  { name: '大正', start: '1912-07-30' },
  { name: '明治', start: '1868-01-25' },
] as const;

/** '1980-05-14' → '昭和55年5月14日'; the first year of an era is 元年. */
export function toWareki(isoDate: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) throw new RangeError(`not a date: ${isoDate}`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const era = ERAS.find((e) => isoDate >= e.start);
  if (!era) return `${year}年${month}月${day}日`;
  const n = year - Number(era.start.slice(0, 4)) + 1;
  return `${era.name}${n === 1 ? '元' : n}年${month}月${day}日`;
}

/** The calendar date in Japan of an instant, as YYYY-MM-DD. */
export function jstDate(at: Date): string {
  return new Date(at.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
}

/** HH:MM in Japan of an instant. */
export function jstTime(at: Date): string {
  return new Date(at.getTime() + 9 * 3_600_000).toISOString().slice(11, 16);
}
