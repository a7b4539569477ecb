import { useEffect } from 'react';
import { sendHeartbeat } from './rosterApi';

/** The server counts a radiologist as gone after 45 s without one. */
const HEARTBEAT_MS = 15_000;

/**
 * Tells the server the radiologist has telerad open, now and every 15 s, in a background tab too (a
 * reader looking at another window has not left). A closed page or a dropped link stops the
 * heartbeats; after 45 s the router may move the radiologist's unopened studies to a colleague who
 * is present. Coming back to the tab sends one at once.
 */
export function usePresence(): void {
  useEffect(() => {
    const beat = () => void sendHeartbeat().catch(() => undefined);
    const onVisible = () => {
      if (!document.hidden) beat();
    };
    beat();
    const timer = window.setInterval(beat, HEARTBEAT_MS);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, []);
}
