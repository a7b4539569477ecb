import { useTranslation } from 'react-i18next';
import { formatBytes } from '../format/format';
import type { UploadState } from './useUpload';

/** Bytes sent of the total, and a time estimate: on a township link a study takes minutes. */
export function UploadProgress({ state }: { state: UploadState }) {
  const { t, i18n } = useTranslation();
  const progress = state.progress;
  if (!progress) return null;
  const total = Math.max(progress.total, 1);
  const fraction = state.phase === 'done' ? 1 : Math.min(progress.sent / total, 1);
  const elapsed = (Date.now() - progress.startedAt) / 1000;
  const rate = elapsed > 1 ? progress.sent / elapsed : 0;
  const remaining = rate > 0 ? Math.ceil((progress.total - progress.sent) / rate) : null;
  const language = i18n.language;
  let detail: string;
  if (state.phase === 'uploading' && progress.sent >= progress.total && progress.total > 0)
    detail = t('upload.processing');
  else if (state.phase === 'uploading' && remaining !== null)
    detail = t('upload.eta', {
      rate: `${formatBytes(rate, language)}/s`,
      time:
        remaining >= 60
          ? t('upload.minutes', { count: Math.ceil(remaining / 60) })
          : t('upload.seconds', { count: remaining }),
    });
  else detail = '';
  return (
    <div className="upload-progress">
      <div
        className={`progress-bar progress-${state.phase}`}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(fraction * 100)}
        aria-label={t('upload.progressLabel')}
        data-testid="upload-progress"
      >
        <div className="progress-fill" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
      </div>
      <div className="progress-text">
        <span>
          {t('upload.bytes', {
            sent: formatBytes(state.phase === 'done' ? progress.total : progress.sent, language),
            total: formatBytes(progress.total, language),
          })}{' '}
          · {Math.round(fraction * 100)}%
        </span>
        {detail && <span className="muted">{detail}</span>}
      </div>
    </div>
  );
}
