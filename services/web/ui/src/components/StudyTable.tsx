import { useTranslation } from 'react-i18next';
import type { StudySummary } from '../api/types';
import { formatDateTime, localName } from '../format/format';
import { useServerNow } from '../hooks/serverClock';
import { navigate, studyPath } from '../router';
import { StudyThumbnailCell } from '../viewer/StudyThumbnailCell';
import { PatientLine } from './PatientLine';
import { PriorityBadge } from './PriorityBadge';
import { DeliveryStateCell, ReportStateCell, StatusText, TimeLeftCell } from './StudyStateCells';

interface Props {
  studies: readonly StudySummary[];
  /** Admins see every clinic and who reads each study; a clinic sees only its own. */
  showClinic?: boolean;
  showAssignee?: boolean;
}

/** The list of studies, newest first, for a clinic's radiographer and for the administrator. */
export function StudyTable({ studies, showClinic = false, showAssignee = false }: Props) {
  const { t, i18n } = useTranslation();
  const now = useServerNow();
  const language = i18n.language;
  if (studies.length === 0) return <p className="empty">{t('studies.empty')}</p>;
  return (
    <div className="table-wrap">
      <table className="table study-table">
        <thead>
          <tr>
            <th className="thumb-cell">{t('column.image')}</th>
            <th>{t('column.priority')}</th>
            <th>{t('column.patient')}</th>
            {showClinic && <th>{t('column.clinic')}</th>}
            <th>{t('column.examination')}</th>
            <th>{t('column.received')}</th>
            <th>{t('column.status')}</th>
            <th>{t('column.timeLeft')}</th>
            {showAssignee && <th>{t('column.assignee')}</th>}
            <th>{t('column.report')}</th>
            <th>{t('column.delivery')}</th>
          </tr>
        </thead>
        <tbody>
          {studies.map((study) => (
            <tr
              key={study.id}
              className={`clickable-row row-${study.priority}${study.critical ? ' row-critical' : ''}`}
              data-testid="study-row"
              data-study-uid={study.studyInstanceUid}
              data-study-id={study.id}
              data-status={study.status}
              onClick={() => navigate(studyPath(study.id))}
            >
              <StudyThumbnailCell study={study} />
              <td>
                <PriorityBadge priority={study.priority} />
              </td>
              <td>
                <a
                  className="row-link"
                  href={studyPath(study.id)}
                  onClick={(event) => {
                    event.preventDefault();
                    event.stopPropagation();
                    navigate(studyPath(study.id));
                  }}
                >
                  <PatientLine study={study} />
                </a>
                {study.patientId && <div className="sub">{t('patient.idShort', { id: study.patientId })}</div>}
              </td>
              {showClinic && <td>{localName(study.clinic.name, language)}</td>}
              <td>
                <div>{study.studyDescription || t('study.noDescription')}</div>
                <div className="sub">
                  {t('study.modalityImages', {
                    modalities: study.modalities.replaceAll('\\', '/') || '—',
                    count: study.instanceCount,
                  })}
                </div>
              </td>
              <td className="nowrap">{formatDateTime(study.receivedAt, language, 'short')}</td>
              <td>
                <StatusText study={study} />
              </td>
              <td className="nowrap">
                <TimeLeftCell study={study} now={now} />
              </td>
              {showAssignee && <td>{localName(study.assignedToName, language) || <span className="muted">—</span>}</td>}
              <td>
                <ReportStateCell study={study} />
              </td>
              <td>
                <DeliveryStateCell study={study} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
