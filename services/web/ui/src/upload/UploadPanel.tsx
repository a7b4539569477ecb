import { type DragEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PRIORITIES, type Priority } from '../api/types';
import { Notice } from '../components/Notice';
import { formatBytes } from '../format/format';
import { LIMIT_MINUTES } from '../format/sla';
import { entriesOfDrop, pickedFromList, walkEntries } from './droppedFiles';
import { SubmitOutcomes } from './SubmitOutcomes';
import { UploadFileList } from './UploadFileList';
import { UploadProgress } from './UploadProgress';
import { isFinished, useUpload } from './useUpload';

/**
 * Send a study from the browser: drop files or a folder (or pick them), a priority, then resumable
 * uploads file by file; a cut link resumes by itself. Then "study complete" starts the report clock.
 */
export function UploadPanel({ onSubmitted }: { onSubmitted: () => void }) {
  const { t, i18n } = useTranslation();
  const upload = useUpload();
  const { state, selection, priority } = upload;
  const [dragging, setDragging] = useState(false);
  const uploading = state.phase === 'uploading';
  const toSend = selection.filter((f) => f.skipped === null);
  const totalBytes = toSend.reduce((sum, f) => sum + f.file.size, 0);
  const storedCount = state.files.filter((p) => p.status === 'stored' || p.status === 'duplicate').length;
  const refusedCount = state.files.filter((p) => p.status === 'refused').length;
  const unsent = state.files.filter((p) => !isFinished(p.status)).length;
  const offline = uploading && state.files.some((p) => p.status === 'offline');

  const submit = async () => {
    await upload.submit();
    onSubmitted();
  };

  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragging(false);
    if (uploading) return;
    // The entries must be taken while the event lasts; walking the folders can come after.
    const { entries, loose } = entriesOfDrop(event.dataTransfer);
    void walkEntries(entries).then((walked) => upload.choose([...pickedFromList(loose), ...walked]));
  };

  return (
    <section className={`card upload-card upload-${priority}`} aria-labelledby="upload-title">
      <div className="card-head">
        <h2 id="upload-title">{t('upload.title')}</h2>
        <span className="muted">{t('upload.hint')}</span>
      </div>
      <section
        className={`drop-zone${dragging ? ' drop-active' : ''}${uploading ? ' drop-disabled' : ''}`}
        data-testid="upload-drop"
        aria-label={t('upload.drop')}
        onDragOver={(event) => {
          event.preventDefault();
          event.dataTransfer.dropEffect = uploading ? 'none' : 'copy';
          if (!uploading) setDragging(true);
        }}
        onDragLeave={(event) => {
          if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={onDrop}
      >
        <span className="drop-text">{dragging ? t('upload.dropRelease') : t('upload.drop')}</span>
        <span className="drop-or muted">{t('upload.dropOr')}</span>
        <label className={`button file-button${uploading ? ' disabled' : ''}`}>
          {t('upload.chooseFiles')}
          <input
            type="file"
            multiple
            className="visually-hidden"
            data-testid="upload-files"
            disabled={uploading}
            onChange={(event) => {
              if (event.target.files) void upload.choose(pickedFromList(event.target.files));
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
              if (event.target.files) void upload.choose(pickedFromList(event.target.files));
              event.target.value = '';
            }}
          />
        </label>
      </section>
      <div className="upload-controls">
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
            disabled={unsent === 0}
            onClick={() => void upload.start()}
          >
            {state.phase === 'cancelled'
              ? t('upload.resume')
              : priority === 'emergency'
                ? t('upload.sendEmergency')
                : t('upload.send')}
          </button>
        )}
      </div>
      {priority === 'emergency' && <div className="emergency-strip">{t('upload.emergencyNote')}</div>}
      <UploadProgress state={state} files={selection} />
      {offline && <Notice kind="warning">{t('upload.offlineNotice')}</Notice>}
      {state.phase === 'cancelled' && <Notice kind="warning">{t('upload.cancelled')}</Notice>}
      {state.phase === 'done' && (
        <div
          className={`upload-summary ${refusedCount === 0 ? 'summary-ok' : storedCount === 0 ? 'summary-failed' : 'summary-partial'}`}
          data-testid="upload-result"
          data-stored={storedCount}
          data-failed={refusedCount}
          role="status"
        >
          {refusedCount === 0
            ? t('upload.allStored', { count: storedCount })
            : storedCount === 0
              ? t('upload.allFailed', { count: refusedCount })
              : t('upload.someFailed', { stored: storedCount, failed: refusedCount })}
        </div>
      )}
      <UploadFileList files={selection} progress={state.files} />
      {(upload.studyIds.length > 0 || refusedCount > 0 || upload.submitted) && !uploading && (
        <div className="upload-actions">
          {upload.studyIds.length > 0 && (
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
          {refusedCount > 0 && state.phase === 'done' && (
            <button type="button" className="button" onClick={() => void upload.retryFailed()}>
              {t('upload.retryFailed', { count: refusedCount })}
            </button>
          )}
          <button type="button" className="button button-quiet" onClick={upload.reset}>
            {t('upload.newStudy')}
          </button>
        </div>
      )}
      {upload.studyIds.length > 0 && !upload.submitted && state.phase === 'done' && (
        <p className="muted small">{t('upload.submitHint')}</p>
      )}
      {upload.submitError && <Notice kind="error">{upload.submitError}</Notice>}
      {upload.submitted && <SubmitOutcomes outcomes={upload.submitted} />}
    </section>
  );
}
