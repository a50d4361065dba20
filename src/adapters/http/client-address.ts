import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import { isIP } from 'node:net';

// The network address an entry comes from, for judging and blocking a source (domain/risk.ts). It is the socket's
// peer; when the peer is one of our trusted front ends (KAGIYA_TRUSTED_PROXIES, default loopback) — or unknown, as in
// an in-process request — the rightmost X-Forwarded-For entry, the address our proxy saw. An address that is itself
// trusted (a co-located relying service calling Kagiya directly, the demo's apps) is no source address: such entries
// are judged by the terminal they name instead.

export const DEFAULT_TRUSTED_PROXIES: readonly string[] = ['127.0.0.1', '::1'];

function normal(address: string): string {
  const lower = address.trim().toLowerCase();
  return lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4 ? lower.slice(7) : lower;
}

export function clientAddress(c: Context, trusted: readonly string[]): string | null {
  const peerRaw = (c.env as HttpBindings | undefined)?.incoming?.socket?.remoteAddress ?? null;
  const peer = peerRaw ? normal(peerRaw) : null;
  if (peer && !trusted.includes(peer)) return peer;
  const forwarded = c.req.header('x-forwarded-for');
  if (!forwarded || forwarded.length > 1024) return null;
  const last = forwarded.split(',').map((s) => s.trim()).filter(Boolean).at(-1);
  if (!last || isIP(last) === 0) return null;
  const address = normal(last);
  return trusted.includes(address) ? null : address;
}
