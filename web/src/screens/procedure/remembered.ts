// Per-tab memory of a procedure's card id (to pre-fill the card step) and of the PIN pad's one-time address (so a
// reload keeps the link). sessionStorage: gone when the tab closes; never a PIN or a My Number.

const key = (kind: string, procedureId: string) => `kagiya.${kind}.${procedureId}`;

function read(k: string): string | null {
  try {
    return sessionStorage.getItem(k);
  } catch {
    return null;
  }
}
function write(k: string, value: string | null): void {
  try {
    if (value === null) sessionStorage.removeItem(k);
    else sessionStorage.setItem(k, value);
  } catch {
    // Storage unavailable: nothing is remembered.
  }
}

export const rememberCard = (procedureId: string, cardId: string) => write(key('card', procedureId), cardId);
export const rememberedCard = (procedureId: string) => read(key('card', procedureId));

export type RememberedPad = { url: string; expiresAt: string };
export function rememberPad(procedureId: string, pad: RememberedPad | null): void {
  write(key('pad', procedureId), pad ? JSON.stringify(pad) : null);
}
export function rememberedPad(procedureId: string): RememberedPad | null {
  const raw = read(key('pad', procedureId));
  if (!raw) return null;
  try {
    const pad = JSON.parse(raw) as RememberedPad;
    return new Date(pad.expiresAt).getTime() > Date.now() ? pad : null;
  } catch {
    return null;
  }
}
