import { useTranslation } from 'react-i18next';
import type { StudyDetail } from '../api/types';
import { formatDateTime, formatDicomDate, localName } from '../format/format';
import { useSexAge } from './PatientLine';

/** Patient and examination facts, as a reader checks them before reporting. */
export function StudyInfo({ study }: { study: StudyDetail['study'] }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const sexAge = useSexAge(study);
  const rows: [string, string][] = [
    [t('patient.name'), study.patientName || t('patient.unnamed')],
    [t('patient.sexAge'), sexAge || '—'],
    [t('patient.id'), study.patientId || '—'],
    [t('patient.birthDate'), formatDicomDate(study.patientBirthDate, language) || '—'],
    [t('study.examination'), study.studyDescription || t('study.noDescription')],
    [t('study.modality'), study.modalities.replaceAll('\\', '/') || '—'],
    [t('study.images'), String(study.instanceCount)],
    [t('column.clinic'), localName(study.clinic.name, language)],
    [t('study.receivedAt'), formatDateTime(study.receivedAt, language) || '—'],
    [t('study.readyAt'), formatDateTime(study.readyAt, language) || '—'],
    [t('study.deadlineAt'), formatDateTime(study.deadlineAt, language) || '—'],
    [t('column.assignee'), localName(study.assignedToName, language) || '—'],
  ];
  if (study.signedAt) rows.push([t('study.signedAt'), formatDateTime(study.signedAt, language)]);
  return (
    <dl className="facts">
      {rows.map(([label, value]) => (
        <div key={label} className="fact">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function SeriesTable({ series }: { series: StudyDetail['study']['series'] }) {
  const { t } = useTranslation();
  if (series.length === 0) return <p className="empty">{t('series.empty')}</p>;
  return (
    <table className="table compact">
      <thead>
        <tr>
          <th>{t('series.number')}</th>
          <th>{t('study.modality')}</th>
          <th>{t('series.description')}</th>
          <th className="num">{t('study.images')}</th>
        </tr>
      </thead>
      <tbody>
        {series.map((s) => (
          <tr key={s.seriesInstanceUid}>
            <td>{s.seriesNumber ?? '—'}</td>
            <td>{s.modality}</td>
            <td>{s.seriesDescription || '—'}</td>
            <td className="num">{s.instanceCount}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
