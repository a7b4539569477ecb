import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../format/format';

/** "Updated 09:12:05", or a warning that the list is stale because the last refresh failed. */
export function RefreshStatus({ updatedAt, error }: { updatedAt: number | null; error: Error | null }) {
  const { t, i18n } = useTranslation();
  const time = updatedAt ? formatDateTime(new Date(updatedAt).toISOString(), i18n.language, 'time') : '';
  if (error) {
    return (
      <span className="refresh refresh-stale" role="status">
        {t('refresh.failed', { message: error.message })}
        {time && ` · ${t('refresh.lastGood', { time })}`}
      </span>
    );
  }
  return <span className="refresh">{time && t('refresh.updated', { time })}</span>;
}
