// A minimal user agent for driving Kagiya's login screens over plain HTTP: a cookie jar and manual redirects.
// The relying-party side is openid-client; this plays the resident's browser between the two.

export class CookieJar {
  private readonly cookies = new Map<string, string>();
  store(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export type Step = Readonly<{ status: number; url: string; location: string | null; body: string }>;

export class Agent {
  readonly jar = new CookieJar();
  constructor(private readonly origin: string) {}

  async request(url: string, init: RequestInit = {}): Promise<Step> {
    const absolute = new URL(url, this.origin).toString();
    const headers = new Headers(init.headers);
    const cookie = this.jar.header();
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(absolute, { ...init, headers, redirect: 'manual' });
    this.jar.store(res);
    const location = res.headers.get('location');
    return { status: res.status, url: absolute, location: location ? new URL(location, absolute).toString() : null, body: await res.text() };
  }

  /** Follows redirects on Kagiya's origin; stops at the first page, or at a redirect leaving for `stopAt`. */
  async follow(url: string, stopAt: string): Promise<Step> {
    let step = await this.request(url);
    for (let i = 0; i < 10 && step.location && !step.location.startsWith(stopAt); i += 1) step = await this.request(step.location);
    return step;
  }

  /** Posts a form (multipart, as the login page does) and follows where it leads. */
  async submit(path: string, fields: Record<string, string>, stopAt: string, multipart = true): Promise<Step> {
    const body = multipart ? new FormData() : new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) body.append(k, v);
    const step = await this.request(path, { method: 'POST', body });
    if (step.location && !step.location.startsWith(stopAt)) return this.follow(step.location, stopAt);
    return step;
  }
}

/** The uid of the interaction a page belongs to. */
export function interactionUid(step: Step): string {
  const m = /\/oidc\/interaction\/([A-Za-z0-9_-]+)/.exec(step.url);
  if (!m) throw new Error(`not an interaction page: ${step.url} (${step.status})`);
  return m[1]!;
}
