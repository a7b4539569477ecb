import { useTranslation } from 'react-i18next';
import type { StudySummary } from '../api/types';

/** "Reassigned to you" on a study that moved to this radiologist unopened, with from whom and why. */
export function ReassignedMark({ study }: { study: StudySummary }) {
  const { t } = useTranslation();
  if (!study.reassigned) return null;
  const reason = t(`roster.reason.${study.reassigned.reason}`, { defaultValue: study.reassigned.reason });
  const hint = study.reassigned.from ? t('roster.reassignedFrom', { from: study.reassigned.from, reason }) : reason;
  return (
    <span className="reassigned-mark" data-testid="reassigned-mark" title={hint}>
      {t('roster.reassignedToYou')}
    </span>
  );
}
