import { useCallback, useEffect, useRef, useState } from 'react';

export type Load<T> = Readonly<{ data: T | null; error: unknown; loading: boolean; reload(): void; set(value: T): void }>;

/** Loads once per `key`, keeps the last value while reloading, and ignores answers that arrive too late. */
export function useLoad<T>(key: string, load: () => Promise<T>): Load<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loader = useRef(load);
  loader.current = load;
  useEffect(() => {
    let live = true;
    setLoading(true);
    loader
      .current()
      .then((value) => {
        if (!live) return;
        setData(value);
        setError(null);
      })
      .catch((e: unknown) => live && setError(e))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [key, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, reload, set: setData };
}
