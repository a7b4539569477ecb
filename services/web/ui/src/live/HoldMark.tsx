import { useTranslation } from 'react-i18next';
import type { StudySummary } from '../api/types';

/** "Paused" where the countdown would be: the study waits for the clinic and its clock is stopped. */
export function HoldMark({ study }: { study: StudySummary }) {
  const { t } = useTranslation();
  if (!study.hold) return null;
  return (
    <span className="hold-mark" data-testid="hold-mark" title={study.hold.reason}>
      {t('hold.onHold')}
    </span>
  );
}
