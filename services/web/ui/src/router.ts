import { useEffect, useState } from 'react';

/** A small history-API router: the web service answers every non-API path with index.html. */
const listeners = new Set<() => void>();

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === window.location.pathname + window.location.search) return;
  if (options.replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  window.scrollTo(0, 0);
  for (const listener of listeners) listener();
}

export function usePath(): string {
  const [path, setPath] = useState(window.location.pathname);
  useEffect(() => {
    const update = () => setPath(window.location.pathname);
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return path;
}

export type Route =
  | { name: 'login' }
  | { name: 'home' }
  | { name: 'clinic' }
  | { name: 'worklist' }
  | { name: 'admin' }
  | { name: 'study'; id: string }
  | { name: 'notFound' };

export function matchRoute(path: string): Route {
  const clean = path.replace(/\/+$/, '') || '/';
  if (clean === '/') return { name: 'home' };
  if (clean === '/login') return { name: 'login' };
  if (clean === '/clinic') return { name: 'clinic' };
  if (clean === '/worklist') return { name: 'worklist' };
  if (clean === '/admin') return { name: 'admin' };
  const study = /^\/studies\/([^/]+)$/.exec(clean);
  if (study?.[1]) return { name: 'study', id: decodeURIComponent(study[1]) };
  return { name: 'notFound' };
}

export function studyPath(id: string): string {
  return `/studies/${encodeURIComponent(id)}`;
}
