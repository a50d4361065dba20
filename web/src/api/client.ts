import { currentLang, type Bilingual } from '../i18n/lang';
import { DICTIONARY } from '../i18n/dictionary';

/** A refusal from the API: `{ error: { code, message, messages: { ja, en }, …details } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly messages: Bilingual,
    readonly details: Readonly<Record<string, unknown>>,
  ) {
    super(messages.en);
    this.name = 'ApiError';
  }
}

let onUnauthenticated: () => void = () => {};
/** The app returns to the sign-in screen when a staff call finds the session gone. */
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

const networkError = () => {
  const [ja, en] = DICTIONARY.networkError;
  return new ApiError(0, 'NETWORK', { ja, en }, {});
};

type Options = Readonly<{ body?: unknown; staff?: boolean }>;

/**
 * Calls the API with the session cookie. Values that must never reach a URL (a My Number, PINs) travel only in
 * bodies; nothing here logs a request or a response.
 */
export async function request<T>(method: string, path: string, options: Options = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: {
        accept: 'application/json',
        'accept-language': currentLang(),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
  } catch {
    throw networkError();
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (response.ok) return json as T;
  const error = (json as { error?: Record<string, unknown> } | null)?.error;
  if (!error || typeof error.code !== 'string') throw networkError();
  const { code, message, messages, ...details } = error as { code: string; message?: string; messages?: Bilingual };
  const both = messages ?? { ja: String(message ?? code), en: String(message ?? code) };
  if (code === 'UNAUTHENTICATED' && options.staff !== false) onUnauthenticated();
  throw new ApiError(response.status, code, both, details);
}

export const get = <T,>(path: string, options?: Options) => request<T>('GET', path, options);
export const post = <T,>(path: string, body: unknown = {}, options?: Options) => request<T>('POST', path, { ...options, body });
