import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fetchSlaSummary, fetchStudies } from '../api/endpoints';
import type { StudyStatus } from '../api/types';
import { Notice } from '../components/Notice';
import { RefreshStatus } from '../components/RefreshStatus';
import { StudyTable } from '../components/StudyTable';
import { learnServerTime } from '../hooks/serverClock';
import { usePolling } from '../hooks/usePolling';
import { useLiveRefresh } from '../live/LiveEvents';
import { AlertsSection } from '../roster/AlertsSection';
import { RosterSection } from '../roster/RosterSection';
import { SlaTable } from './SlaTable';

const STUDY_REFRESH_MS = 5000;
const SLA_REFRESH_MS = 60_000;
const STATUSES: readonly StudyStatus[] = ['receiving', 'ready', 'assigned', 'reading', 'signed'];

/** The medical affairs office's view: compliance per priority, and every study in the region. */
export function AdminPage() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<StudyStatus | ''>('');
  const sla = usePolling(fetchSlaSummary, SLA_REFRESH_MS);
  const loadStudies = useCallback(
    async (signal: AbortSignal) => {
      const sentAt = Date.now();
      const list = await fetchStudies(status ? { status, limit: 200 } : { limit: 200 }, signal);
      learnServerTime(list.serverTime, sentAt);
      return list;
    },
    [status],
  );
  const studies = usePolling(loadStudies, STUDY_REFRESH_MS, status);
  const refreshStudies = studies.refresh;
  const refreshSla = sla.refresh;
  useLiveRefresh(
    useCallback(() => {
      refreshStudies();
      refreshSla();
    }, [refreshStudies, refreshSla]),
  );
  return (
    <main className="page">
      <AlertsSection />
      <RosterSection />
      <section className="card">
        <div className="card-head">
          <h2>{t('sla.title')}</h2>
          <RefreshStatus updatedAt={sla.updatedAt} error={sla.error} />
        </div>
        {sla.data ? (
          <SlaTable summary={sla.data} />
        ) : sla.error ? (
          <Notice kind="error">{sla.error.message}</Notice>
        ) : (
          <p className="empty">{t('common.loading')}</p>
        )}
      </section>
      <section className="card">
        <div className="card-head">
          <h2>{t('admin.studies')}</h2>
          <label className="inline-field">
            <span className="field-label">{t('column.status')}</span>
            <select
              data-testid="status-filter"
              value={status}
              onChange={(event) => setStatus(event.target.value as StudyStatus | '')}
            >
              <option value="">{t('admin.allStatuses')}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`status.${s}`)}
                </option>
              ))}
            </select>
          </label>
          <RefreshStatus updatedAt={studies.updatedAt} error={studies.error} />
        </div>
        {studies.data ? (
          <StudyTable studies={studies.data.items} showClinic showAssignee />
        ) : studies.error ? (
          <Notice kind="error">{studies.error.message}</Notice>
        ) : (
          <p className="empty">{t('common.loading')}</p>
        )}
      </section>
    </main>
  );
}
