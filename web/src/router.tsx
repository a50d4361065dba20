import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

// A tiny history router for the console's few screens, all under /counter/.
export const BASE = '/counter';

export type Route =
  | { name: 'search' }
  | { name: 'diagnosis'; cardId: string }
  | { name: 'start'; cardId: string }
  | { name: 'work' }
  | { name: 'procedure'; procedureId: string }
  | { name: 'pinpad'; token: string }
  | { name: 'services' }
  | { name: 'massJobs' }
  | { name: 'dashboard' }
  | { name: 'clientApps' }
  | { name: 'risk' }
  | { name: 'not_found' };

const ID = '([0-9a-fA-F-]{36})';

export function parseRoute(pathname: string): Route {
  const path = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const clean = path.replace(/\/+$/, '') || '/';
  let m: RegExpExecArray | null;
  if (clean === '/' || clean === '/search') return { name: 'search' };
  if (clean === '/procedures') return { name: 'work' };
  if (clean === '/services') return { name: 'services' };
  if (clean === '/mass-jobs') return { name: 'massJobs' };
  if (clean === '/dashboard') return { name: 'dashboard' };
  if (clean === '/client-apps') return { name: 'clientApps' };
  if (clean === '/risk') return { name: 'risk' };
  if ((m = new RegExp(`^/cards/${ID}$`).exec(clean))) return { name: 'diagnosis', cardId: m[1]! };
  if ((m = new RegExp(`^/cards/${ID}/reset$`).exec(clean))) return { name: 'start', cardId: m[1]! };
  if ((m = new RegExp(`^/procedures/${ID}$`).exec(clean))) return { name: 'procedure', procedureId: m[1]! };
  if ((m = /^\/pinpad\/([A-Za-z0-9_-]{20,64})$/.exec(clean))) return { name: 'pinpad', token: m[1]! };
  return { name: 'not_found' };
}

const listeners = new Set<() => void>();

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = to.startsWith('/') ? to : `${BASE}/${to}`;
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  window.scrollTo(0, 0);
  for (const l of listeners) l();
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.pathname));
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return route;
}

export const paths = {
  search: () => `${BASE}/`,
  diagnosis: (cardId: string) => `${BASE}/cards/${cardId}`,
  start: (cardId: string) => `${BASE}/cards/${cardId}/reset`,
  work: () => `${BASE}/procedures`,
  procedure: (id: string) => `${BASE}/procedures/${id}`,
  services: () => `${BASE}/services`,
  massJobs: () => `${BASE}/mass-jobs`,
  dashboard: () => `${BASE}/dashboard`,
  clientApps: () => `${BASE}/client-apps`,
  risk: () => `${BASE}/risk`,
};

/** An in-app link: a real <a href> (open in new tab works), navigated without a reload. */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const click = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || rest.target) return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={click} {...rest} />;
}
