import { useTranslation } from 'react-i18next';
import type { StudySummary } from '../api/types';
import { HoldMark } from '../live/HoldMark';
import { Countdown } from './Countdown';

/** Status in words; the hint explains what the status means for whoever is looking. */
export function StatusText({ study }: { study: StudySummary }) {
  const { t } = useTranslation();
  return (
    <span className={`status status-${study.status}`} data-status={study.status}>
      {t(`status.${study.status}`)}
    </span>
  );
}

/** Live countdown while the report is due; turnaround once signed. */
export function TimeLeftCell({ study, now }: { study: StudySummary; now: number }) {
  const { t } = useTranslation();
  if (study.status === 'signed' && study.signedAt) {
    const start = study.readyAt ?? study.receivedAt;
    const minutes = Math.max(0, Math.round((Date.parse(study.signedAt) - Date.parse(start)) / 60_000));
    const late = study.deadlineAt !== null && Date.parse(study.signedAt) > Date.parse(study.deadlineAt);
    return (
      <span className={`turnaround${late ? ' turnaround-late' : ''}`}>
        {t(late ? 'timeLeft.signedLate' : 'timeLeft.signedIn', { minutes })}
      </span>
    );
  }
  if (study.status === 'receiving') return <span className="muted">{t('timeLeft.notStarted')}</span>;
  if (study.hold) return <HoldMark study={study} />;
  if (!study.deadlineAt) return <span className="muted">—</span>;
  return <Countdown study={{ ...study, deadlineAt: study.deadlineAt }} now={now} />;
}

export function ReportStateCell({ study }: { study: StudySummary }) {
  const { t } = useTranslation();
  if (study.status === 'signed') {
    return (
      <span className="report-state">
        <span className="report-state-final">{t('reportState.final')}</span>
        {study.critical && <span className="critical-badge">{t('report.criticalShort')}</span>}
      </span>
    );
  }
  if (study.status === 'reading') return <span className="report-state-reading">{t('reportState.reading')}</span>;
  return <span className="muted">{t('reportState.none')}</span>;
}

export function DeliveryStateCell({ study }: { study: StudySummary }) {
  const { t } = useTranslation();
  // A report goes out only once signed: before that there is nothing delivered, whatever the list
  // says (the API's summary has answered "delivered" for a study without any delivery row).
  if (study.status !== 'signed' || study.deliveryStatus === 'none') return <span className="muted">—</span>;
  return (
    <span className={`delivery delivery-${study.deliveryStatus}`} data-delivery={study.deliveryStatus}>
      {t(`delivery.${study.deliveryStatus}`)}
    </span>
  );
}
