import { usePresence } from './usePresence';

/**
 * Sends the radiologist's heartbeat on every page while signed in: the worklist and the study being
 * read alike, so reading a film for a while never looks like having left.
 */
export function PresenceBeacon() {
  usePresence();
  return null;
}
