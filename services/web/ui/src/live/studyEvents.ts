import { api } from '../api/client';

/** One change of a study the signed-in user may see (ids only: the page reloads what it shows). */
export interface StudyEventMessage {
  type: 'assigned' | 'reassigned' | 'unassigned' | 'warning' | 'breach' | 'escalated' | 'updated' | 'signed';
  studyId: string;
  at: string;
  /** The study is now the listener's. */
  toYou: boolean;
  /** The study was the listener's and moved away. */
  fromYou: boolean;
}

/** What listeners hear: a study event, or "reconnected — events may have been missed, reload". */
export type LiveSignal = { kind: 'event'; event: StudyEventMessage } | { kind: 'resync' };

const RETRY_MS = [1000, 2000, 5000, 10_000, 30_000];

/**
 * Opens the server-sent event stream for the signed-in user and keeps it open. EventSource cannot
 * send the Authorization header, so each connection first asks for a one-use ticket; when the stream
 * drops, a new ticket and a new connection follow (with a growing pause), and listeners are told to
 * reload, since events missed meanwhile are not replayed. Returns a function that closes it.
 */
export function connectStudyEvents(onSignal: (signal: LiveSignal) => void): () => void {
  let closed = false;
  let source: EventSource | null = null;
  let timer: number | undefined;
  let failures = 0;
  let opened = false;

  const connect = async () => {
    timer = undefined;
    if (closed) return;
    try {
      const { ticket } = await api<{ ticket: string }>('/api/events/ticket', { method: 'POST' });
      if (closed) return;
      const es = new EventSource(`/api/events?ticket=${encodeURIComponent(ticket)}`);
      source = es;
      es.onopen = () => {
        failures = 0;
        if (opened) onSignal({ kind: 'resync' });
        opened = true;
      };
      es.addEventListener('study', (message) => {
        try {
          onSignal({ kind: 'event', event: JSON.parse((message as MessageEvent<string>).data) as StudyEventMessage });
        } catch {
          // A malformed message costs nothing: the periodic refresh catches up.
        }
      });
      es.onerror = () => {
        // The ticket is spent, so EventSource's own retry would be refused: start over with a new one.
        es.close();
        if (source === es) source = null;
        retry();
      };
    } catch {
      retry();
    }
  };
  const retry = () => {
    if (closed || timer !== undefined) return;
    const wait = RETRY_MS[Math.min(failures, RETRY_MS.length - 1)] ?? 30_000;
    failures += 1;
    timer = window.setTimeout(() => void connect(), wait);
  };
  void connect();
  return () => {
    closed = true;
    if (timer !== undefined) window.clearTimeout(timer);
    source?.close();
  };
}
