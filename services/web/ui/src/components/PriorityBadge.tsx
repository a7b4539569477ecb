import { useTranslation } from 'react-i18next';
import type { Priority } from '../api/types';

export function PriorityBadge({ priority }: { priority: Priority }) {
  const { t } = useTranslation();
  return (
    <span className={`priority-badge priority-${priority}`} data-priority={priority}>
      {t(`priority.${priority}`)}
    </span>
  );
}
