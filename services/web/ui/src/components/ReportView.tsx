import { useTranslation } from 'react-i18next';
import type { Report } from '../api/types';
import { formatDateTime, localName } from '../format/format';

/** A report as text to read, never to edit: a signed report is a medical-legal document. */
export function ReportView({ report }: { report: Report }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  return (
    <div className="report-view">
      {report.critical && (
        <div className="critical-banner" role="alert">
          {t('report.criticalBanner')}
        </div>
      )}
      <section>
        <h3>{t('report.findings')}</h3>
        <p className="report-text">{report.findings || '—'}</p>
      </section>
      <section>
        <h3>{t('report.impression')}</h3>
        <p className="report-text report-impression">{report.impression || '—'}</p>
      </section>
      <dl className="report-signature">
        <div>
          <dt>{t('report.author')}</dt>
          <dd>{localName(report.author.name, language)}</dd>
        </div>
        {report.signedBy && (
          <div>
            <dt>{t('report.signedBy')}</dt>
            <dd>{localName(report.signedBy.name, language)}</dd>
          </div>
        )}
        <div>
          <dt>{report.signedAt ? t('report.signedAt') : t('report.updatedAt')}</dt>
          <dd>{formatDateTime(report.signedAt ?? report.updatedAt, language)}</dd>
        </div>
      </dl>
    </div>
  );
}
