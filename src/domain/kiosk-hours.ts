// Convenience-store kiosks (コンビニ交付, and the kiosk PIN reset) are open 06:30–23:00 Japan time every day
// (jpki-facts §2.4, §4; DOMAIN.md §4). Pure: the instant comes in, the verdict goes out. Japan keeps no daylight
// saving, so JST is UTC+9.

export const OPENS = { hour: 6, minute: 30 } as const;
export const CLOSES = { hour: 23, minute: 0 } as const;
const JST_OFFSET_MS = 9 * 3_600_000;

export type HoursVerdict =
  | { open: true }
  | { open: false; opensAt: string; closesAt: string; nextOpening: Date };

const minutes = (t: { hour: number; minute: number }) => t.hour * 60 + t.minute;
const hhmm = (t: { hour: number; minute: number }) => `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;

export function checkServiceHours(now: Date): HoursVerdict {
  const jst = new Date(now.getTime() + JST_OFFSET_MS);
  const minuteOfDay = jst.getUTCHours() * 60 + jst.getUTCMinutes();
  if (minuteOfDay >= minutes(OPENS) && minuteOfDay < minutes(CLOSES)) return { open: true };
  // The next 06:30 JST: today's if it is still early morning, else tomorrow's.
  const dayStart = Date.UTC(jst.getUTCFullYear(), jst.getUTCMonth(), jst.getUTCDate()) - JST_OFFSET_MS;
  const opening = dayStart + minutes(OPENS) * 60_000 + (minuteOfDay >= minutes(CLOSES) ? 86_400_000 : 0);
  return { open: false, opensAt: hhmm(OPENS), closesAt: hhmm(CLOSES), nextOpening: new Date(opening) };
}
