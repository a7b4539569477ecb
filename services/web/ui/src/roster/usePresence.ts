import { useEffect } from 'react';
import { sendHeartbeat } from './rosterApi';

/** The server counts a radiologist as gone after 45 s without one. */
const HEARTBEAT_MS = 15_000;

/**
 * Tells the server the worklist is open, now and every 15 s while the tab is visible. A closed or
 * hidden page, or a dropped link, stops the heartbeats; after 45 s the router may move the
 * radiologist's unopened studies to a colleague who is present.
 */
export function usePresence(): void {
  useEffect(() => {
    let timer: number | undefined;
    const beat = () => {
      if (!document.hidden) void sendHeartbeat().catch(() => undefined);
    };
    const onVisible = () => {
      if (!document.hidden) beat();
    };
    beat();
    timer = window.setInterval(beat, HEARTBEAT_MS);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      if (timer !== undefined) window.clearInterval(timer);
      timer = undefined;
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, []);
}
