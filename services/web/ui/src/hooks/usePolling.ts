import { useCallback, useEffect, useRef, useState } from 'react';

export interface Polled<T> {
  data: T | null;
  /** The last refresh's error; earlier data stays on screen so a dropped link does not blank the list. */
  error: Error | null;
  loading: boolean;
  /** When the data last arrived (local clock). */
  updatedAt: number | null;
  refresh: () => void;
}

/**
 * Loads `load` now and again `intervalMs` after each answer, never two at once. A hidden tab waits,
 * and catches up as soon as it is shown again.
 */
export function usePolling<T>(load: (signal: AbortSignal) => Promise<T>, intervalMs: number, key = ''): Polled<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(true);
  const [updatedAt, setUpdatedAt] = useState<number | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;
  const [generation, setGeneration] = useState(0);
  const refresh = useCallback(() => setGeneration((g) => g + 1), []);

  // A new key (another study, another filter) must not show the previous key's data.
  const [shownKey, setShownKey] = useState(key);
  if (shownKey !== key) {
    setShownKey(key);
    setData(null);
    setError(null);
    setLoading(true);
  }

  // biome-ignore lint/correctness/useExhaustiveDependencies: key and generation are restart triggers (new query, manual refresh)
  useEffect(() => {
    let cancelled = false;
    let timer: number | undefined;
    let controller: AbortController | null = null;

    const run = async () => {
      timer = undefined;
      if (document.hidden) return;
      controller = new AbortController();
      try {
        const result = await loadRef.current(controller.signal);
        if (cancelled) return;
        setData(result);
        setError(null);
        setUpdatedAt(Date.now());
      } catch (e) {
        if (cancelled || (e instanceof DOMException && e.name === 'AbortError')) return;
        setError(e instanceof Error ? e : new Error(String(e)));
      } finally {
        if (!cancelled) {
          setLoading(false);
          timer = window.setTimeout(() => void run(), intervalMs);
        }
      }
    };
    const onVisible = () => {
      if (!document.hidden && timer === undefined && !cancelled) void run();
    };
    void run();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      cancelled = true;
      controller?.abort();
      if (timer !== undefined) window.clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [intervalMs, key, generation]);

  return { data, error, loading, updatedAt, refresh };
}
