import { useTranslation } from 'react-i18next';
import type { Report, StudyDetail } from '../api/types';
import { formatDateTime, localName } from '../format/format';
import { useSexAge } from './PatientLine';

/**
 * The paper report the clinic hands to the patient. Hidden on screen; the print stylesheet shows only
 * this, laid out like the hospital forms: clinic, patient, examination, findings, impression, signature.
 */
export function PrintableReport({ study, report }: { study: StudyDetail['study']; report: Report }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const sexAge = useSexAge(study);
  const signer = report.signedBy ?? report.author;
  return (
    <article className="print-report print-only" aria-hidden="true">
      <header className="print-head">
        <div className="print-clinic">{localName(study.clinic.name, language)}</div>
        <h1 className="print-title">{t('print.title')}</h1>
      </header>
      <table className="print-patient">
        <tbody>
          <tr>
            <th>{t('patient.name')}</th>
            <td>{study.patientName || t('patient.unnamed')}</td>
            <th>{t('patient.sexAge')}</th>
            <td>{sexAge || '—'}</td>
            <th>{t('patient.id')}</th>
            <td>{study.patientId || '—'}</td>
          </tr>
          <tr>
            <th>{t('study.examination')}</th>
            <td colSpan={3}>
              {study.studyDescription || t('study.noDescription')} ({study.modalities.replaceAll('\\', '/')})
            </td>
            <th>{t('print.examinedAt')}</th>
            <td>{formatDateTime(study.readyAt ?? study.receivedAt, language)}</td>
          </tr>
        </tbody>
      </table>
      <section className="print-section">
        <h2>{t('report.findings')}</h2>
        <p className="report-text">{report.findings}</p>
      </section>
      <section className="print-section">
        <h2>{t('report.impression')}</h2>
        <p className="report-text">{report.impression}</p>
        {report.critical && <p className="print-critical">{t('report.criticalBanner')}</p>}
      </section>
      <footer className="print-foot">
        <div>
          <span className="print-label">{t('print.radiologist')}</span>
          <span className="print-sign">{localName(signer.name, language)}</span>
        </div>
        <div>
          <span className="print-label">{t('print.signedAt')}</span>
          <span>{formatDateTime(report.signedAt, language)}</span>
        </div>
        <p className="print-note">{t('print.note')}</p>
      </footer>
    </article>
  );
}
