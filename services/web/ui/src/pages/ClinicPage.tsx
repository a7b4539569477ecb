import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { fetchStudies } from '../api/endpoints';
import type { StudySummary } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { Notice } from '../components/Notice';
import { RefreshStatus } from '../components/RefreshStatus';
import { StudyTable } from '../components/StudyTable';
import { formatDateTime, localName } from '../format/format';
import { learnServerTime } from '../hooks/serverClock';
import { usePolling } from '../hooks/usePolling';
import { useLiveRefresh } from '../live/LiveEvents';
import { navigate, studyPath } from '../router';
import { UploadPanel } from '../upload/UploadPanel';

const REFRESH_MS = 5000;
const CRITICAL_WINDOW_MS = 24 * 3600_000;

async function loadStudies(signal: AbortSignal) {
  const sentAt = Date.now();
  const list = await fetchStudies({ limit: 200 }, signal);
  learnServerTime(list.serverTime, sentAt);
  return list;
}

/** The township radiographer's screen: send a study, follow each study, get the report. */
export function ClinicPage() {
  const { t, i18n } = useTranslation();
  const { user } = useAuth();
  const polled = usePolling(loadStudies, REFRESH_MS);
  const { refresh } = polled;
  useLiveRefresh(refresh);
  const items = polled.data?.items ?? [];
  const onSubmitted = useCallback(() => refresh(), [refresh]);
  return (
    <main className="page">
      <CriticalAlerts studies={items} language={i18n.language} />
      <UploadPanel onSubmitted={onSubmitted} />
      <section className="card">
        <div className="card-head">
          <h2>{t('clinic.title', { clinic: localName(user.clinic?.name, i18n.language) })}</h2>
          <RefreshStatus updatedAt={polled.updatedAt} error={polled.error} />
        </div>
        {polled.loading && !polled.data ? (
          <p className="empty">{t('common.loading')}</p>
        ) : polled.error && !polled.data ? (
          <Notice kind="error">{polled.error.message}</Notice>
        ) : (
          <StudyTable studies={items} />
        )}
      </section>
    </main>
  );
}

/**
 * Critical results the clinic must act on now (phone the patient, arrange transfer): a red strip at
 * the top that cannot be missed, for every critical report signed in the last day.
 */
function CriticalAlerts({ studies, language }: { studies: readonly StudySummary[]; language: string }) {
  const { t } = useTranslation();
  const now = Date.now();
  const critical = studies.filter(
    (s) => s.critical && s.status === 'signed' && s.signedAt && now - Date.parse(s.signedAt) < CRITICAL_WINDOW_MS,
  );
  if (critical.length === 0) return null;
  return (
    <Notice kind="critical" testId="critical-alert">
      <strong>{t('clinic.criticalTitle', { count: critical.length })}</strong>
      <ul className="critical-list">
        {critical.map((s) => (
          <li key={s.id}>
            <a
              href={studyPath(s.id)}
              onClick={(event) => {
                event.preventDefault();
                navigate(studyPath(s.id));
              }}
            >
              {s.patientName || t('patient.unnamed')} · {s.studyDescription} ·{' '}
              {t('clinic.criticalSignedAt', { time: formatDateTime(s.signedAt, language, 'short') })}
            </a>
          </li>
        ))}
      </ul>
    </Notice>
  );
}
