import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { claimStudy, fetchStudy, submitStudy } from '../api/endpoints';
import type { StudyDetail } from '../api/types';
import { homePathFor, useAuth } from '../auth/AuthContext';
import { Countdown } from '../components/Countdown';
import { DeliveryTable } from '../components/DeliveryTable';
import { Notice } from '../components/Notice';
import { PrintableReport } from '../components/PrintableReport';
import { PriorityBadge } from '../components/PriorityBadge';
import { ReportView } from '../components/ReportView';
import { SeriesTable, StudyInfo } from '../components/StudyInfo';
import { StatusText } from '../components/StudyStateCells';
import { localName } from '../format/format';
import { useServerNow } from '../hooks/serverClock';
import { usePolling } from '../hooks/usePolling';
import { HoldMark } from '../live/HoldMark';
import { useLiveRefresh } from '../live/LiveEvents';
import { navigate } from '../router';
import { ImageViewer } from '../viewer/ImageViewer';
import { UnrenderableNotice } from '../viewer/UnrenderableNotice';
import { HoldPanel } from './HoldPanel';
import { PriorityPanel } from './PriorityPanel';
import { ReportEditor } from './ReportEditor';
import { ReportStatus } from './ReportStatus';

const REFRESH_MS = 5000;

/** One study: facts and series on the left, the report (to write, or to read and print) on the right. */
export function StudyDetailPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const { user } = useAuth();
  const load = useCallback((signal: AbortSignal) => fetchStudy(id, signal), [id]);
  const polled = usePolling(load, REFRESH_MS, id);
  useLiveRefresh(polled.refresh, id);
  const back = homePathFor(user);
  const detail = polled.data;
  return (
    <main className="page">
      <div className="detail-bar no-print">
        <button type="button" className="button button-quiet" onClick={() => navigate(back)}>
          ← {t(`back.${user.role}`)}
        </button>
        {detail && <DetailHeading detail={detail} />}
      </div>
      {polled.error && !detail && <Notice kind="error">{polled.error.message}</Notice>}
      {polled.loading && !detail && <p className="empty">{t('common.loading')}</p>}
      {detail && <DetailBody detail={detail} onChanged={polled.refresh} />}
    </main>
  );
}

function DetailHeading({ detail }: { detail: StudyDetail }) {
  const { t, i18n } = useTranslation();
  const now = useServerNow();
  const { study } = detail;
  const open = study.status !== 'signed' && study.status !== 'receiving' && study.deadlineAt;
  return (
    <div className="detail-heading">
      <PriorityBadge priority={study.priority} />
      <h1>
        {study.patientName || t('patient.unnamed')}
        <span className="detail-exam">{study.studyDescription}</span>
      </h1>
      <span className="detail-clinic">{localName(study.clinic.name, i18n.language)}</span>
      <StatusText study={study} />
      {study.hold ? (
        <HoldMark study={study} />
      ) : (
        open && study.deadlineAt && <Countdown study={{ ...study, deadlineAt: study.deadlineAt }} now={now} large />
      )}
    </div>
  );
}

function DetailBody({ detail, onChanged }: { detail: StudyDetail; onChanged: () => void }) {
  const { t } = useTranslation();
  const { user } = useAuth();
  const { study, report } = detail;
  return (
    <div className="detail-grid">
      <div className="detail-side no-print">
        <HoldPanel detail={detail} onChanged={onChanged} />
        {user.role === 'radiographer' && <PriorityPanel detail={detail} onChanged={onChanged} />}
        <section className="card">
          <h2 className="card-title">{t('study.info')}</h2>
          <StudyInfo study={study} />
        </section>
        <section className="card">
          <h2 className="card-title">{t('series.title')}</h2>
          <SeriesTable series={study.series} />
        </section>
      </div>
      <div className="detail-main">
        <section className="card no-print">
          <h2 className="card-title">{t('viewer.title')}</h2>
          <UnrenderableNotice series={study.series} />
          <ImageViewer studyInstanceUid={study.studyInstanceUid} series={study.series} />
        </section>
        <section className="card report-card no-print">
          <div className="card-head">
            <h2>{t('report.title')}</h2>
            <ReportStatus report={report} />
          </div>
          <ReportPanel detail={detail} onChanged={onChanged} />
        </section>
        {study.status === 'signed' && report && (
          <>
            <section className="card no-print">
              <h2 className="card-title">{t('deliveries.title')}</h2>
              <DeliveryTable deliveries={detail.deliveries} />
            </section>
            <PrintableReport study={study} report={report} />
          </>
        )}
      </div>
    </div>
  );
}

/** What the report area offers depends on who looks and where the study is. */
function ReportPanel({ detail, onChanged }: { detail: StudyDetail; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const { user } = useAuth();
  const { study, report } = detail;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const act = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      onChanged();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'more-urgent-study') setError(t('detail.moreUrgentFirst'));
      else setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  if (study.status === 'signed' && report) {
    return (
      <>
        <ReportView report={report} />
        <div className="editor-actions">
          <button type="button" className="button button-primary" data-testid="print" onClick={() => window.print()}>
            {t('report.print')}
          </button>
        </div>
      </>
    );
  }

  const mine = study.assignedTo === user.username;
  if (user.role === 'radiologist' && mine && study.status === 'reading') {
    return <ReportEditor key={study.id} study={study} report={report} onChanged={onChanged} />;
  }

  const errorNotice = error && <Notice kind="error">{error}</Notice>;
  if (user.role === 'radiologist') {
    if (study.status === 'receiving') return <p className="empty">{t('detail.stillReceiving')}</p>;
    const other = study.assignedTo && !mine ? localName(study.assignedToName, i18n.language) || study.assignedTo : null;
    return (
      <div className="claim-panel">
        {errorNotice}
        <p>
          {other
            ? t('detail.assignedToOther', { name: other })
            : mine
              ? t('detail.assignedToYou')
              : t('detail.claimHint')}
        </p>
        <button
          type="button"
          className="button button-primary button-large"
          data-testid="claim"
          disabled={busy}
          onClick={() => void act(() => claimStudy(study.id))}
        >
          {mine ? t('detail.startReading') : t('detail.claim')}
        </button>
        {report && (
          <div className="draft-preview">
            <h3>{t('detail.existingDraft')}</h3>
            <ReportView report={report} />
          </div>
        )}
      </div>
    );
  }

  return (
    <div className="waiting-panel">
      {errorNotice}
      <p>{t(`detail.waiting.${study.status}`)}</p>
      {user.role === 'radiographer' && study.status === 'receiving' && (
        <button
          type="button"
          className="button button-primary button-large"
          data-testid="submit-study"
          disabled={busy}
          onClick={() => void act(() => submitStudy(study.id))}
        >
          {t('upload.submitComplete')}
        </button>
      )}
    </div>
  );
}
