import { useTranslation } from 'react-i18next';
import type { Report } from '../api/types';

/** "No report" / "Draft v2 (not signed)" / "Signed". */
export function ReportStatus({ report }: { report: Report | null }) {
  const { t } = useTranslation();
  const status = report === null ? 'none' : report.status;
  return (
    <span className={`report-status report-status-${status}`} data-testid="report-status" data-status={status}>
      {status === 'none'
        ? t('reportStatus.none')
        : status === 'draft'
          ? t('reportStatus.draft', { version: report?.version })
          : t('reportStatus.final')}
    </span>
  );
}
