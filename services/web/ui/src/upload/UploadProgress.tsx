import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { formatBytes } from '../format/format';
import type { SelectedFile } from './selectFiles';
import { isFinished, type UploadState } from './useUpload';

/** How far back the sending rate is measured: long enough to be steady, short enough to notice a cut. */
const RATE_WINDOW_MS = 15_000;

/** Bytes sent of the whole study, files done, and a time estimate: on a township link a study takes minutes. */
export function UploadProgress({ state, files }: { state: UploadState; files: readonly SelectedFile[] }) {
  const { t, i18n } = useTranslation();
  const samples = useRef<Array<{ at: number; sent: number }>>([]);
  if (state.startedAt === null) return null;
  let total = 0;
  let sent = 0;
  let toSend = 0;
  let finished = 0;
  state.files.forEach((p, i) => {
    const size = files[i]?.file.size ?? 0;
    if (p.status === 'skipped') return;
    toSend++;
    total += size;
    sent += p.status === 'stored' || p.status === 'duplicate' ? size : Math.min(p.sent, size);
    if (isFinished(p.status)) finished++;
  });
  const fraction = total > 0 ? Math.min(sent / total, 1) : 0;

  const now = Date.now();
  const recent = samples.current.filter((s) => now - s.at <= RATE_WINDOW_MS && s.sent <= sent);
  recent.push({ at: now, sent });
  samples.current = recent;
  const first = recent[0];
  const span = first ? (now - first.at) / 1000 : 0;
  const rate = first && span >= 2 ? (sent - first.sent) / span : 0;
  const remaining = rate > 0 ? Math.ceil((total - sent) / rate) : null;
  const offline = state.files.some((p) => p.status === 'offline');
  const uploading = state.phase === 'uploading';
  const language = i18n.language;

  let detail = '';
  if (uploading && offline) detail = t('upload.waitingForLink');
  else if (uploading && sent >= total && total > 0) detail = t('upload.processing');
  else if (uploading && remaining !== null)
    detail = t('upload.eta', {
      rate: `${formatBytes(rate, language)}/s`,
      time:
        remaining >= 60
          ? t('upload.minutes', { count: Math.ceil(remaining / 60) })
          : t('upload.seconds', { count: remaining }),
    });
  const barState = offline && uploading ? 'offline' : state.phase;

  return (
    <div className="upload-progress">
      <div
        className={`progress-bar progress-${barState}`}
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
          {t('upload.bytes', { sent: formatBytes(sent, language), total: formatBytes(total, language) })} ·{' '}
          {Math.round(fraction * 100)}% · {t('upload.filesDone', { done: finished, count: toSend })}
        </span>
        {detail && <span className={offline ? 'warn-text' : 'muted'}>{detail}</span>}
      </div>
    </div>
  );
}
