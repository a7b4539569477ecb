import { useTranslation } from 'react-i18next';
import type { Series } from '../api/types';
import { Notice } from '../components/Notice';
import { useReasonText } from './ImageViewer';

/** Names each image of the study that cannot be displayed, with its reason, above the viewer. */
export function UnrenderableNotice({ series }: { series: Series[] }) {
  const { t } = useTranslation();
  const reasonText = useReasonText();
  const failed = series.flatMap((s) =>
    s.instances.flatMap((i) => (i.preview.status === 'failed' ? [{ series: s, instance: i, preview: i.preview }] : [])),
  );
  if (failed.length === 0) return null;
  return (
    <Notice kind="warning">
      <div data-testid="unrenderable-notice">
        <strong>{t('viewer.unrenderableCount', { count: failed.length })}</strong>
        <ul className="unrenderable-list">
          {failed.map(({ series: s, instance, preview }) => (
            <li key={instance.sopInstanceUid} data-reason={preview.reason ?? ''}>
              {t('viewer.unrenderableItem', {
                series: s.seriesNumber ?? '—',
                image: instance.instanceNumber ?? '—',
                reason: reasonText(preview.reason),
              })}
            </li>
          ))}
        </ul>
      </div>
    </Notice>
  );
}
