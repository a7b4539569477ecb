import { useTranslation } from 'react-i18next';
import type { StudySummary } from '../api/types';
import { studyThumbnailUrl } from './imageUrls';
import { Thumbnail } from './Thumbnail';

/** A list row's picture: the study's thumbnail, and how many of its images cannot be displayed. */
export function StudyThumbnailCell({ study }: { study: StudySummary }) {
  const { t } = useTranslation();
  return (
    <td className="thumb-cell">
      {study.instanceCount > 0 ? (
        <Thumbnail url={studyThumbnailUrl(study.studyInstanceUid)} alt="" className="row-thumb" />
      ) : (
        <span className="row-thumb thumb-missing" />
      )}
      {(study.unrenderableCount ?? 0) > 0 && (
        <div className="unrenderable-mark" data-testid="unrenderable-mark">
          {t('viewer.unrenderableCount', { count: study.unrenderableCount })}
        </div>
      )}
    </td>
  );
}
