import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { PRIORITIES, type Priority } from '../api/types';
import { Notice } from '../components/Notice';
import { formatBytes } from '../format/format';
import { LIMIT_MINUTES } from '../format/sla';
import type { FileResult } from './matchFileResults';
import { SubmitOutcomes } from './SubmitOutcomes';
import { UploadFileList } from './UploadFileList';
import { UploadProgress } from './UploadProgress';
import { useUpload } from './useUpload';

/** Send a study from the browser: files or a folder, a priority, one STOW-RS request, then submit. */
export function UploadPanel({ onSubmitted }: { onSubmitted: () => void }) {
  const { t, i18n } = useTranslation();
  const upload = useUpload();
  const { state, selection, priority } = upload;
  const uploading = state.phase === 'uploading';
  const toSend = selection.filter((f) => f.skipped === null);
  const totalBytes = toSend.reduce((sum, f) => sum + f.file.size, 0);
  const results = useMemo(() => {
    const map = new Map<File, FileResult>();
    state.sent.forEach((f, i) => {
      const result = state.results[i];
      if (result) map.set(f.file, result);
    });
    return map;
  }, [state.sent, state.results]);
  const storedCount = state.results.filter((r) => r.state === 'stored').length;
  const failedCount = state.results.length - storedCount;

  const submit = async () => {
    await upload.submit();
    onSubmitted();
  };

  return (
    <section className={`card upload-card upload-${priority}`} aria-labelledby="upload-title">
      <div className="card-head">
        <h2 id="upload-title">{t('upload.title')}</h2>
        <span className="muted">{t('upload.hint')}</span>
      </div>
      <div className="upload-controls">
        <label className={`button file-button${uploading ? ' disabled' : ''}`}>
          {t('upload.chooseFiles')}
          <input
            type="file"
            multiple
            className="visually-hidden"
            data-testid="upload-files"
            disabled={uploading}
            onChange={(event) => {
              void upload.choose(event.target.files);
              event.target.value = '';
            }}
          />
        </label>
        <label className={`button file-button${uploading ? ' disabled' : ''}`}>
          {t('upload.chooseFolder')}
          <input
            type="file"
            multiple
            className="visually-hidden"
            data-testid="upload-folder"
            disabled={uploading}
            ref={(input) => {
              // webkitdirectory is not in React's typings; every current browser supports it.
              input?.setAttribute('webkitdirectory', '');
            }}
            onChange={(event) => {
              void upload.choose(event.target.files);
              event.target.value = '';
            }}
          />
        </label>
        <span className="selection-summary">
          {selection.length === 0
            ? t('upload.noneChosen')
            : t('upload.chosen', { count: toSend.length, size: formatBytes(totalBytes, i18n.language) })}
        </span>
        <label className="priority-field">
          <span className="field-label">{t('upload.priority')}</span>
          <select
            data-testid="upload-priority"
            className={`priority-select priority-select-${priority}`}
            value={priority}
            disabled={uploading}
            onChange={(event) => upload.setPriority(event.target.value as Priority)}
          >
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {t('upload.priorityOption', { priority: t(`priority.${p}`), minutes: LIMIT_MINUTES[p] })}
              </option>
            ))}
          </select>
        </label>
        {uploading ? (
          <button type="button" className="button" onClick={upload.cancel}>
            {t('upload.cancel')}
          </button>
        ) : (
          <button
            type="button"
            className={`button ${priority === 'emergency' ? 'button-danger' : 'button-primary'}`}
            data-testid="upload-submit"
            disabled={toSend.length === 0 || state.phase === 'done'}
            onClick={() => void upload.start()}
          >
            {priority === 'emergency' ? t('upload.sendEmergency') : t('upload.send')}
          </button>
        )}
      </div>
      {priority === 'emergency' && <div className="emergency-strip">{t('upload.emergencyNote')}</div>}
      <UploadProgress state={state} />
      {state.phase === 'error' && state.error && (
        <Notice kind="error">{t('upload.requestFailed', { message: state.error })}</Notice>
      )}
      {state.phase === 'cancelled' && <Notice kind="warning">{t('upload.cancelled')}</Notice>}
      {state.phase === 'done' && (
        <div
          className={`upload-summary ${failedCount === 0 ? 'summary-ok' : storedCount === 0 ? 'summary-failed' : 'summary-partial'}`}
          data-testid="upload-result"
          data-http-status={state.httpStatus ?? undefined}
          data-stored={storedCount}
          data-failed={failedCount}
          role="status"
        >
          {failedCount === 0
            ? t('upload.allStored', { count: storedCount })
            : storedCount === 0
              ? t('upload.allFailed', { count: failedCount })
              : t('upload.someFailed', { stored: storedCount, failed: failedCount })}
        </div>
      )}
      <UploadFileList files={selection} results={results} phase={state.phase} />
      {(upload.studyUids.length > 0 || failedCount > 0 || upload.submitted) && !uploading && (
        <div className="upload-actions">
          {upload.studyUids.length > 0 && (
            <button
              type="button"
              className="button button-primary button-large"
              data-testid="submit-complete"
              disabled={upload.submitting}
              onClick={() => void submit()}
            >
              {upload.submitting ? t('upload.submitting') : t('upload.submitComplete')}
            </button>
          )}
          {failedCount > 0 && state.phase === 'done' && (
            <button type="button" className="button" onClick={upload.retryFailed}>
              {t('upload.retryFailed', { count: failedCount })}
            </button>
          )}
          <button type="button" className="button button-quiet" onClick={upload.reset}>
            {t('upload.newStudy')}
          </button>
        </div>
      )}
      {upload.studyUids.length > 0 && !upload.submitted && state.phase === 'done' && (
        <p className="muted small">{t('upload.submitHint')}</p>
      )}
      {upload.submitError && <Notice kind="error">{upload.submitError}</Notice>}
      {upload.submitted && <SubmitOutcomes outcomes={upload.submitted} />}
    </section>
  );
}
