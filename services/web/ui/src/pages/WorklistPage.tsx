import type { KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fetchWorklist } from '../api/endpoints';
import { PRIORITIES } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { Countdown } from '../components/Countdown';
import { Notice } from '../components/Notice';
import { PatientLine } from '../components/PatientLine';
import { PriorityBadge } from '../components/PriorityBadge';
import { RefreshStatus } from '../components/RefreshStatus';
import { StatusText } from '../components/StudyStateCells';
import { localName } from '../format/format';
import { learnServerTime, useServerNow } from '../hooks/serverClock';
import { usePolling } from '../hooks/usePolling';
import { HoldMark } from '../live/HoldMark';
import { useFreshStudies, useLiveRefresh } from '../live/LiveEvents';
import { ReassignedMark } from '../roster/ReassignedMark';
import { navigate, studyPath } from '../router';
import { StudyThumbnailCell } from '../viewer/StudyThumbnailCell';

const REFRESH_MS = 5000;

async function loadWorklist(signal: AbortSignal) {
  const sentAt = Date.now();
  const list = await fetchWorklist(signal);
  learnServerTime(list.serverTime, sentAt);
  return list;
}

/** Arrow keys move between rows, Enter opens: a reader can work the list without the mouse. */
function onRowKey(event: KeyboardEvent<HTMLTableRowElement>, id: string) {
  const row = event.currentTarget;
  if (event.key === 'Enter') navigate(studyPath(id));
  else if (event.key === 'ArrowDown') (row.nextElementSibling as HTMLElement | null)?.focus();
  else if (event.key === 'ArrowUp') (row.previousElementSibling as HTMLElement | null)?.focus();
  else return;
  event.preventDefault();
}

export function WorklistPage() {
  const { t, i18n } = useTranslation();
  const { user } = useAuth();
  const now = useServerNow();
  const polled = usePolling(loadWorklist, REFRESH_MS);
  // Assignments, moves and warnings arrive as live events: reload at once rather than at the next poll.
  useLiveRefresh(polled.refresh);
  const fresh = useFreshStudies();
  // In reading order as the server sends it (docs/routing.md): the study open, then the queue.
  const items = polled.data?.items ?? [];
  const language = i18n.language;
  return (
    <main className="page">
      <section className="card">
        <div className="card-head">
          <h2>{t('worklist.title')}</h2>
          <div className="queue-counts">
            {PRIORITIES.map((p) => (
              <span key={p} className={`queue-count queue-${p}`}>
                {t(`priority.${p}`)} <strong>{items.filter((s) => s.priority === p).length}</strong>
              </span>
            ))}
          </div>
          <RefreshStatus updatedAt={polled.updatedAt} error={polled.error} />
        </div>
        {polled.loading && !polled.data ? (
          <p className="empty">{t('common.loading')}</p>
        ) : polled.error && !polled.data ? (
          <Notice kind="error">{polled.error.message}</Notice>
        ) : items.length === 0 ? (
          <p className="empty">{t('worklist.empty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table worklist-table">
              <thead>
                <tr>
                  <th>{t('column.timeLeft')}</th>
                  <th className="thumb-cell">{t('column.image')}</th>
                  <th>{t('column.priority')}</th>
                  <th>{t('column.patient')}</th>
                  <th>{t('column.clinic')}</th>
                  <th>{t('column.examination')}</th>
                  <th>{t('column.status')}</th>
                  <th>{t('column.assignee')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((study) => {
                  const mine = study.assignedTo === user.username;
                  const isFresh = mine && fresh.has(study.id);
                  return (
                    <tr
                      key={study.id}
                      tabIndex={0}
                      className={`clickable-row row-${study.priority}${mine ? ' row-mine' : ''}${isFresh ? ' row-fresh' : ''}`}
                      data-testid="worklist-row"
                      data-study-uid={study.studyInstanceUid}
                      data-study-id={study.id}
                      data-status={study.status}
                      data-fresh={isFresh ? 'true' : undefined}
                      onClick={() => navigate(studyPath(study.id))}
                      onKeyDown={(event) => onRowKey(event, study.id)}
                    >
                      <td className="nowrap">
                        {study.hold ? (
                          <HoldMark study={study} />
                        ) : study.deadlineAt ? (
                          <Countdown study={{ ...study, deadlineAt: study.deadlineAt }} now={now} large />
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                      <StudyThumbnailCell study={study} />
                      <td>
                        <PriorityBadge priority={study.priority} />
                      </td>
                      <td>
                        <PatientLine study={study} />
                        {study.patientId && <div className="sub">{t('patient.idShort', { id: study.patientId })}</div>}
                      </td>
                      <td>{localName(study.clinic.name, language)}</td>
                      <td>
                        <div>
                          {study.studyDescription || t('study.noDescription')}
                          {study.lateInstanceAt && (
                            <span
                              className="late-images"
                              data-testid="late-images"
                              title={t('worklist.lateImagesHint')}
                            >
                              {t('worklist.lateImages')}
                            </span>
                          )}
                        </div>
                        <div className="sub">
                          {t('study.modalityImages', {
                            modalities: study.modalities.replaceAll('\\', '/') || '—',
                            count: study.instanceCount,
                          })}
                        </div>
                      </td>
                      <td>
                        <StatusText study={study} />
                      </td>
                      <td>
                        {mine ? (
                          <>
                            <span className="assignee-me" data-testid="assignee-me">
                              {t('worklist.me')}
                            </span>
                            <ReassignedMark study={study} />
                          </>
                        ) : study.assignedTo ? (
                          localName(study.assignedToName, language) || study.assignedTo
                        ) : (
                          <span className="muted">{t('worklist.unassigned')}</span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </main>
  );
}
