import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import type { Priority } from '../api/types';
import { buildStowBody } from './buildStowBody';
import { type FileResult, matchFileResults } from './matchFileResults';
import { parseStowResponse } from './parseStowResponse';
import { type SelectedFile, selectFiles } from './selectFiles';
import { type StowProgress, sendStow, UploadAbortedError } from './sendStow';
import { type SubmitOutcome, submitStudies } from './submitStudies';

export type UploadPhase = 'idle' | 'uploading' | 'done' | 'error' | 'cancelled';

export interface UploadState {
  phase: UploadPhase;
  progress: (StowProgress & { startedAt: number }) | null;
  /** Per sent file, in the order of `sent`. */
  results: FileResult[];
  sent: SelectedFile[];
  httpStatus: number | null;
  error: string | null;
}

const initial: UploadState = { phase: 'idle', progress: null, results: [], sent: [], httpStatus: null, error: null };

/**
 * The upload form's state: chosen files, priority, one STOW-RS request at a time with progress and
 * per-file outcome, and the "study complete" submission. It lives above the pages (UploadContext) so
 * that opening a study while a slow township upload runs does not stop it.
 */
export function useUploadState() {
  const [state, setState] = useState<UploadState>(initial);
  const [selection, setSelection] = useState<SelectedFile[]>([]);
  const [priority, setPriority] = useState<Priority>('outpatient');
  /** Studies this batch stored something into and that are not yet submitted. */
  const [studyUids, setStudyUids] = useState<string[]>([]);
  const [submitting, setSubmitting] = useState(false);
  const [submitted, setSubmitted] = useState<SubmitOutcome[] | null>(null);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const abortRef = useRef<(() => void) | null>(null);

  const choose = useCallback(async (files: FileList | null) => {
    if (!files || files.length === 0) return;
    const chosen = await selectFiles(files);
    setSelection(chosen);
    setSubmitted(null);
    setSubmitError(null);
    setState(initial);
  }, []);

  const start = useCallback(async () => {
    const toSend = selection.filter((f) => f.skipped === null);
    if (toSend.length === 0) return;
    const startedAt = Date.now();
    setSubmitted(null);
    setState({ ...initial, phase: 'uploading', sent: toSend, progress: { sent: 0, total: 0, startedAt } });
    const request = sendStow(buildStowBody(toSend.map((f) => f.file)), priority, (p) =>
      setState((s) => (s.phase === 'uploading' ? { ...s, progress: { ...p, startedAt } } : s)),
    );
    abortRef.current = request.abort;
    try {
      const answer = await request.promise;
      const outcome = parseStowResponse(answer.json);
      setState((s) => ({ ...s, phase: 'done', httpStatus: answer.status, results: matchFileResults(toSend, outcome) }));
      setStudyUids((uids) => [...new Set([...uids, ...outcome.studyInstanceUids])]);
    } catch (e) {
      const cancelled = e instanceof UploadAbortedError;
      const error = cancelled ? null : e instanceof Error ? e.message : String(e);
      setState((s) => ({ ...s, phase: cancelled ? 'cancelled' : 'error', error }));
    } finally {
      abortRef.current = null;
    }
  }, [selection, priority]);

  const cancel = useCallback(() => abortRef.current?.(), []);

  /** Keeps only the files that were not stored, to send them again; the stored ones stay in the batch. */
  const retryFailed = useCallback(() => {
    setSelection(state.sent.filter((_f, i) => state.results[i]?.state !== 'stored'));
    setState(initial);
  }, [state]);

  const submit = useCallback(async () => {
    setSubmitting(true);
    setSubmitError(null);
    try {
      const outcomes = await submitStudies(studyUids);
      setSubmitted(outcomes);
      // Whatever could not be submitted stays in the batch for another try.
      setStudyUids(outcomes.filter((o) => o.result === 'error' || o.result === 'notFound').map((o) => o.studyUid));
    } catch (e) {
      setSubmitError(e instanceof Error ? e.message : String(e));
    } finally {
      setSubmitting(false);
    }
  }, [studyUids]);

  /** Starts over for the next patient. */
  const reset = useCallback(() => {
    setState(initial);
    setSelection([]);
    setPriority('outpatient');
    setStudyUids([]);
    setSubmitted(null);
    setSubmitError(null);
  }, []);

  // Leaving the page would silently drop a half-sent study.
  useEffect(() => {
    if (state.phase !== 'uploading') return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [state.phase]);

  // Logging out mid-upload ends the request instead of leaving it running without a screen.
  useEffect(() => () => abortRef.current?.(), []);

  return {
    state,
    selection,
    priority,
    setPriority,
    choose,
    start,
    cancel,
    retryFailed,
    studyUids,
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
