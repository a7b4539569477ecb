import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate, studyPath } from '../router';
import { connectStudyEvents, type LiveSignal, type StudyEventMessage } from './studyEvents';

type Listener = (signal: LiveSignal) => void;

type Subscribe = (listener: Listener) => () => void;

/** Stable for the whole session, so a subscriber's pending reload is never cut off by a re-render. */
const LiveContext = createContext<Subscribe | null>(null);
/** Studies that just became the user's (assigned or moved to them), for a highlight. */
const FreshContext = createContext<ReadonlySet<string>>(new Set());

interface Toast {
  id: number;
  kind: 'assigned' | 'reassigned-to' | 'reassigned-from' | 'warning';
  studyId: string;
}

const TOAST_MS = 8000;
const FRESH_MS = 15_000;

function toastKind(event: StudyEventMessage): Toast['kind'] | null {
  if (event.type === 'assigned' && event.toYou) return 'assigned';
  if ((event.type === 'reassigned' || event.type === 'escalated') && event.toYou) return 'reassigned-to';
  if ((event.type === 'reassigned' || event.type === 'escalated' || event.type === 'unassigned') && event.fromYou)
    return 'reassigned-from';
  if (event.type === 'warning' && event.toYou) return 'warning';
  return null;
}

/**
 * One live event stream for the signed-in user, shared by every page: lists subscribe to reload at
 * once, and the user gets a notice when a study is assigned to them, moved to or from them, or
 * reaches its SLA warning.
 */
export function LiveEventsProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const listeners = useRef(new Set<Listener>());
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const nextId = useRef(1);

  useEffect(
    () =>
      connectStudyEvents((signal) => {
        for (const listener of listeners.current) listener(signal);
        if (signal.kind !== 'event') return;
        const kind = toastKind(signal.event);
        if (kind === null) return;
        const toast = { id: nextId.current++, kind, studyId: signal.event.studyId };
        setToasts((all) => [...all.slice(-3), toast]);
        window.setTimeout(() => setToasts((all) => all.filter((x) => x.id !== toast.id)), TOAST_MS);
        if (kind === 'assigned' || kind === 'reassigned-to') {
          const id = signal.event.studyId;
          setFresh((s) => new Set([...s, id]));
          window.setTimeout(
            () =>
              setFresh((s) => {
                const next = new Set(s);
                next.delete(id);
                return next;
              }),
            FRESH_MS,
          );
        }
      }),
    [],
  );

  const subscribe = useCallback((listener: Listener) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);
  return (
    <LiveContext.Provider value={subscribe}>
      <FreshContext.Provider value={fresh}>{children}</FreshContext.Provider>
      <div className="toasts" aria-live="polite">
        {toasts.map((toast) => (
          <button
            key={toast.id}
            type="button"
            className={`toast toast-${toast.kind}`}
            data-testid="live-toast"
            title={t('live.open')}
            onClick={() => {
              setToasts((all) => all.filter((x) => x.id !== toast.id));
              navigate(studyPath(toast.studyId));
            }}
          >
            {t(`live.${toast.kind}`)}
          </button>
        ))}
      </div>
    </LiveContext.Provider>
  );
}

/**
 * Calls `onChange` (at most every 300 ms) when a study event arrives, or after a reconnect; pass
 * `studyId` to hear only that study's events.
 */
export function useLiveRefresh(onChange: () => void, studyId?: string): void {
  const subscribe = useContext(LiveContext);
  const callback = useRef(onChange);
  callback.current = onChange;
  useEffect(() => {
    if (subscribe === null) return;
    let timer: number | undefined;
    const unsubscribe = subscribe((signal) => {
      if (signal.kind === 'event' && studyId !== undefined && signal.event.studyId !== studyId) return;
      if (timer !== undefined) return;
      timer = window.setTimeout(() => {
        timer = undefined;
        callback.current();
      }, 300);
    });
    return () => {
      unsubscribe();
      if (timer !== undefined) window.clearTimeout(timer);
    };
  }, [subscribe, studyId]);
}

/** Studies just given to the signed-in user, to highlight on the worklist. */
export function useFreshStudies(): ReadonlySet<string> {
  return useContext(FreshContext);
}
