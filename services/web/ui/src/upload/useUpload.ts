import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import type { Priority } from '../api/types';
import type { PickedFile } from './droppedFiles';
import { type SelectedFile, selectFiles } from './selectFiles';
import { sha256File } from './sha256';
import { type SubmitOutcome, submitStudies } from './submitStudies';
import { forgetExpiredUploads, type UploadRefusal, type UploadStored, uploadFile } from './tusUpload';

/** Two files at a time: a weak uplink is shared, and one slow file does not hold up the rest. */
const PARALLEL = 2;

export type UploadPhase = 'idle' | 'uploading' | 'done' | 'cancelled';

export type FileStatus =
  | 'skipped'
  | 'waiting'
  | 'hashing'
  | 'sending'
  /** The link dropped: waiting for it, then on from where the server stopped. */
  | 'offline'
  /** Every byte sent; the server checks and stores the file. */
  | 'storing'
  | 'stored'
  | 'duplicate'
  | 'refused'
  | 'cancelled';

export interface FileProgress {
  status: FileStatus;
  /** Bytes the server has, or that are on their way. */
  sent: number;
  /** Where sending resumed: an earlier attempt (or a page before a reload) had sent this much. */
  resumedFrom: number | null;
  result: UploadStored | null;
  error: UploadRefusal | null;
}

export interface UploadState {
  phase: UploadPhase;
  /** One per selected file, same order. */
  files: FileProgress[];
  startedAt: number | null;
}

const DONE: readonly FileStatus[] = ['stored', 'duplicate', 'refused', 'skipped'];

function fresh(selection: readonly SelectedFile[]): FileProgress[] {
  return selection.map((f) => ({
    status: f.skipped ? 'skipped' : 'waiting',
    sent: 0,
    resumedFrom: null,
    result: null,
    error: null,
  }));
}

export function isFinished(status: FileStatus): boolean {
  return DONE.includes(status);
}

/**
 * The upload form's state: chosen files, priority, tus uploads two at a time with progress per file
 * and overall, each file's result, and the "study complete" submission. It lives above the pages
 * (UploadContext) so that opening a study while a slow township upload runs does not stop it.
 */
export function useUploadState() {
  const [selection, setSelection] = useState<SelectedFile[]>([]);
  const [state, setState] = useState<UploadState>({ phase: 'idle', files: [], startedAt: null });
  const [priority, setPriority] = useState<Priority>('outpatient');
  /** Studies this batch stored something into and that are not yet submitted. */
  const [studyIds, setStudyIds] = useState<string[]>([]);
  const [submitting, setSubmitting] = useState(false);
  const [submitted, setSubmitted] = useState<SubmitOutcome[] | null>(null);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const abortRef = useRef<AbortController | null>(null);

  useEffect(() => {
    void forgetExpiredUploads();
  }, []);

  const choose = useCallback(async (picked: readonly PickedFile[]) => {
    if (picked.length === 0) return;
    const chosen = await selectFiles(picked);
    setSelection(chosen);
    setState({ phase: 'idle', files: fresh(chosen), startedAt: null });
    setSubmitted(null);
    setSubmitError(null);
  }, []);

  const patch = useCallback((index: number, change: Partial<FileProgress>) => {
    setState((s) => {
      const current = s.files[index];
      if (!current) return s;
      const files = s.files.slice();
      files[index] = { ...current, ...change };
      return { ...s, files };
    });
  }, []);

  /** Sends every file not yet stored or refused: a first start, or going on after a cancel. */
  const send = useCallback(
    async (which: (p: FileProgress) => boolean) => {
      const chosen = state.files.flatMap((p, i) => (which(p) && selection[i] ? [i] : []));
      if (chosen.length === 0) return;
      const queue = [...chosen];
      const controller = new AbortController();
      abortRef.current = controller;
      setSubmitted(null);
      setState((s) => ({
        ...s,
        phase: 'uploading',
        startedAt: Date.now(),
        files: s.files.map((p, i) => (chosen.includes(i) ? { ...p, status: 'waiting', error: null } : p)),
      }));

      const worker = async () => {
        for (let index = queue.shift(); index !== undefined; index = queue.shift()) {
          if (controller.signal.aborted) return;
          const file = (selection[index] as SelectedFile).file;
          patch(index, { status: 'hashing' });
          let sha256: string;
          try {
            sha256 = await sha256File(file, controller.signal);
          } catch (e) {
            if (controller.signal.aborted) {
              patch(index, { status: 'cancelled' });
              return;
            }
            patch(index, {
              status: 'refused',
              error: { code: 'read-error', message: e instanceof Error ? e.message : String(e) },
            });
            continue;
          }
          patch(index, { status: 'sending' });
          const outcome = await uploadFile(file, {
            sha256,
            priority,
            signal: controller.signal,
            onEvent(event) {
              if (event.type === 'progress') {
                patch(index, {
                  sent: event.sent,
                  ...(event.sent >= event.total ? { status: 'storing' as const } : { status: 'sending' as const }),
                });
              } else if (event.type === 'resumed') {
                patch(index, { resumedFrom: event.offset, sent: event.offset });
              } else {
                patch(index, { status: event.type === 'offline' ? 'offline' : 'sending' });
              }
            },
          });
          if (outcome.kind === 'stored') {
            patch(index, {
              status: outcome.result.duplicate ? 'duplicate' : 'stored',
              sent: file.size,
              result: outcome.result,
            });
            setStudyIds((ids) => (ids.includes(outcome.result.studyId) ? ids : [...ids, outcome.result.studyId]));
          } else if (outcome.kind === 'refused') {
            patch(index, { status: 'refused', error: outcome.error });
          } else {
            // Cancelled, or the session ended (the login screen takes over).
            patch(index, { status: 'cancelled' });
            controller.abort();
            return;
          }
        }
      };
      await Promise.all(Array.from({ length: PARALLEL }, worker));
      if (abortRef.current === controller) abortRef.current = null;
      setState((s) => ({
        ...s,
        phase: controller.signal.aborted ? 'cancelled' : 'done',
        files: s.files.map((p) =>
          p.status === 'waiting' && controller.signal.aborted ? { ...p, status: 'cancelled' } : p,
        ),
      }));
    },
    [state.files, selection, priority, patch],
  );

  const start = useCallback(() => send((p) => !isFinished(p.status)), [send]);
  const retryFailed = useCallback(() => send((p) => p.status === 'refused' || p.status === 'cancelled'), [send]);
  const cancel = useCallback(() => abortRef.current?.abort(), []);

  const submit = useCallback(async () => {
    setSubmitting(true);
    setSubmitError(null);
    try {
      const outcomes = await submitStudies(studyIds);
      setSubmitted(outcomes);
      // Whatever could not be submitted stays in the batch for another try.
      setStudyIds(outcomes.filter((o) => o.result === 'error' || o.result === 'notFound').map((o) => o.studyId));
    } catch (e) {
      setSubmitError(e instanceof Error ? e.message : String(e));
    } finally {
      setSubmitting(false);
    }
  }, [studyIds]);

  /** Starts over for the next patient. */
  const reset = useCallback(() => {
    abortRef.current?.abort();
    setState({ phase: 'idle', files: [], startedAt: null });
    setSelection([]);
    setPriority('outpatient');
    setStudyIds([]);
    setSubmitted(null);
    setSubmitError(null);
  }, []);

  // Leaving the page stops the upload; what was sent is kept and resumes when the files are chosen again.
  useEffect(() => {
    if (state.phase !== 'uploading') return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [state.phase]);

  // Logging out mid-upload ends the requests instead of leaving them running without a screen.
  useEffect(() => () => abortRef.current?.abort(), []);

  return {
    state,
    selection,
    priority,
    setPriority,
    choose,
    start,
    cancel,
    retryFailed,
    studyIds,
    submit,
    submitting,
    submitted,
    submitError,
    reset,
  };
}

export type Upload = ReturnType<typeof useUploadState>;

export const UploadContext = createContext<Upload | null>(null);

export function useUpload(): Upload {
  const upload = useContext(UploadContext);
  if (upload === null) throw new Error('useUpload outside UploadContext');
  return upload;
}
