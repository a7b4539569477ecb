import { useTranslation } from 'react-i18next';
import { formatBytes } from '../format/format';
import { failureReasonKey, hexCode } from './failureReason';
import type { FileResult } from './matchFileResults';
import type { SelectedFile } from './selectFiles';
import type { UploadPhase } from './useUpload';

interface Props {
  files: readonly SelectedFile[];
  /** Results per file of `files` that were sent, keyed by the File object. */
  results: ReadonlyMap<File, FileResult>;
  phase: UploadPhase;
}

/** Every chosen file with what happened to it: waiting, sent, stored, failed (and why) or skipped. */
export function UploadFileList({ files, results, phase }: Props) {
  const { t, i18n } = useTranslation();
  if (files.length === 0) return null;
  return (
    <div className="file-list">
      <table className="table compact">
        <thead>
          <tr>
            <th>{t('upload.file')}</th>
            <th className="num">{t('upload.size')}</th>
            <th>{t('upload.result')}</th>
          </tr>
        </thead>
        <tbody>
          {files.map((f) => {
            const result = results.get(f.file);
            return (
              <tr
                key={f.name}
                data-testid="upload-file"
                data-state={result?.state ?? (f.skipped ? 'skipped' : 'waiting')}
              >
                <td className="break">{f.name}</td>
                <td className="num nowrap">{formatBytes(f.file.size, i18n.language)}</td>
                <td>
                  <FileResultText file={f} result={result} phase={phase} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function FileResultText({
  file,
  result,
  phase,
}: {
  file: SelectedFile;
  result: FileResult | undefined;
  phase: UploadPhase;
}) {
  const { t } = useTranslation();
  if (file.skipped) return <span className="muted">{t(`upload.skipped.${file.skipped}`)}</span>;
  if (!result) {
    if (phase === 'uploading') return <span className="muted">{t('upload.sending')}</span>;
    if (phase === 'error' || phase === 'cancelled') return <span className="muted">{t('upload.notSent')}</span>;
    return <span className="muted">{t('upload.waiting')}</span>;
  }
  if (result.state === 'stored') return <span className="ok-text">✓ {t('upload.stored')}</span>;
  if (result.state === 'unknown') return <span className="muted">{t('upload.unknown')}</span>;
  return (
    <span className="error-text">
      ✗ {t('upload.failed')}: {t(failureReasonKey(result.reasonCode))}
      {result.reasonCode !== null && <span className="code"> ({hexCode(result.reasonCode)})</span>}
      {result.comment && <span className="failure-comment"> — {result.comment}</span>}
    </span>
  );
}
