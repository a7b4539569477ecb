import { useTranslation } from 'react-i18next';
import { formatBytes } from '../format/format';
import type { SelectedFile } from './selectFiles';
import type { FileProgress } from './useUpload';

interface Props {
  files: readonly SelectedFile[];
  /** Per file of `files`, same order. */
  progress: readonly FileProgress[];
}

/** Every chosen file with its own progress bar and what happened to it: stored, refused (and why), skipped. */
export function UploadFileList({ files, progress }: Props) {
  const { t, i18n } = useTranslation();
  if (files.length === 0) return null;
  return (
    <div className="file-list">
      <table className="table compact">
        <thead>
          <tr>
            <th>{t('upload.file')}</th>
            <th className="num">{t('upload.size')}</th>
            <th className="file-progress-head">{t('upload.progressLabel')}</th>
            <th>{t('upload.result')}</th>
          </tr>
        </thead>
        <tbody>
          {files.map((f, i) => {
            const p = progress[i];
            const status = p?.status ?? (f.skipped ? 'skipped' : 'waiting');
            const fraction = f.file.size > 0 ? Math.min((p?.sent ?? 0) / f.file.size, 1) : 0;
            const shown = status === 'stored' || status === 'duplicate' ? 1 : fraction;
            return (
              <tr key={f.name} data-testid="upload-file" data-state={status} data-sent={p?.sent ?? 0}>
                <td className="break">{f.name}</td>
                <td className="num nowrap">{formatBytes(f.file.size, i18n.language)}</td>
                <td className="file-progress-cell">
                  {status !== 'skipped' && (
                    <div
                      className={`progress-bar progress-small file-progress-${status}`}
                      role="progressbar"
                      aria-valuemin={0}
                      aria-valuemax={100}
                      aria-valuenow={Math.round(shown * 100)}
                      aria-label={f.name}
                      data-testid="upload-file-progress"
                    >
                      <div className="progress-fill" style={{ width: `${(shown * 100).toFixed(1)}%` }} />
                    </div>
                  )}
                </td>
                <td>
                  <FileStatusText file={f} progress={p} status={status} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function FileStatusText({
  file,
  progress,
  status,
}: {
  file: SelectedFile;
  progress: FileProgress | undefined;
  status: FileProgress['status'];
}) {
  const { t } = useTranslation();
  const percent = (bytes: number) => Math.floor((bytes / Math.max(file.file.size, 1)) * 100);
  const resumed =
    progress?.resumedFrom != null && status !== 'stored' && status !== 'duplicate' ? (
      <span className="muted small"> · {t('upload.resumedFrom', { percent: percent(progress.resumedFrom) })}</span>
    ) : null;
  switch (status) {
    case 'skipped':
      return <span className="muted">{t(`upload.skipped.${file.skipped ?? 'hidden'}`)}</span>;
    case 'stored':
      return <span className="ok-text">✓ {t('upload.state.stored')}</span>;
    case 'duplicate':
      return <span className="ok-text">✓ {t('upload.state.duplicate')}</span>;
    case 'refused': {
      const error = progress?.error;
      return (
        <span className="error-text">
          ✗ {t('upload.state.refusedWith', { reason: t(reasonKey(error?.code)) })}
          {error?.message && <span className="failure-comment"> — {error.message}</span>}
        </span>
      );
    }
    case 'offline':
      return (
        <span className="warn-text">
          {t('upload.state.offline')}
          {resumed}
        </span>
      );
    case 'sending':
      return (
        <span>
          {t('upload.state.sending', { percent: percent(progress?.sent ?? 0) })}
          {resumed}
        </span>
      );
    default:
      return <span className="muted">{t(`upload.state.${status}`)}</span>;
  }
}

const REASONS = new Set([
  'checksum-mismatch',
  'not-dicom',
  'truncated',
  'missing-attribute',
  'invalid-uid',
  'pixel-data-length',
  'unsupported',
  'invalid',
  'conflict',
  'tenancy',
  'too-large',
  'expired',
  'forbidden',
  'internal',
  'read-error',
]);

/** The server's refusal code as a sentence the radiographer can act on; its own message follows. */
function reasonKey(code: string | undefined): string {
  return `upload.reason.${code && REASONS.has(code) ? code : 'unknown'}`;
}
