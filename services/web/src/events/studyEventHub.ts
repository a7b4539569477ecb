import { type StudyEvent, subscribeStudyEvents } from '@telerad/queue';
import type { Runtime } from '@telerad/runtime';

type Redis = Runtime['redis'];

export interface StudyEventHub {
  /** Hears every study event of the stack, from any process; returns a function that stops. */
  listen(listener: (event: StudyEvent) => void): Promise<() => void>;
  close(): Promise<void>;
}

/**
 * One Redis subscription per web process, shared by every open event stream of that process. It is
 * made when the first stream opens, so a process nobody listens to holds no subscriber connection.
 */
export function createStudyEventHub(deps: Pick<Runtime, 'newRedis' | 'config' | 'logger'>): StudyEventHub {
  const listeners = new Set<(event: StudyEvent) => void>();
  let subscription: Promise<{ redis: Redis; stop: () => Promise<void> }> | null = null;
  const subscribe = () => {
    subscription ??= (async () => {
      const redis = deps.newRedis();
      const stop = await subscribeStudyEvents(redis, deps.config.queuePrefix, (event) => {
        for (const listener of listeners) {
          try {
            listener(event);
          } catch (error) {
            deps.logger.warn({ err: error, studyId: event.studyId }, 'study event listener failed');
          }
        }
      });
      return { redis, stop };
    })();
    return subscription;
  };
  return {
    async listen(listener) {
      listeners.add(listener);
      await subscribe();
      return () => {
        listeners.delete(listener);
      };
    },
    async close() {
      listeners.clear();
      const current = subscription;
      subscription = null;
      if (current === null) return;
      const { redis, stop } = await current;
      await stop();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
