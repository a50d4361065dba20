import { useCallback, useState } from 'react';

/**
 * One button's request: `busy` while it runs, the `error` it ended with (for ErrorBox). `run` clears the error, runs the
 * work and keeps its error if it throws; it returns the work's value, or undefined when it failed.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async <T,>(work: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await work();
    } catch (err) {
      setError(err);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
