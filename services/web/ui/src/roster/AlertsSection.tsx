import { useTranslation } from 'react-i18next';
import { Notice } from '../components/Notice';
import { PriorityBadge } from '../components/PriorityBadge';
import { RefreshStatus } from '../components/RefreshStatus';
import { formatDateTime, localName } from '../format/format';
import { usePolling } from '../hooks/usePolling';
import { useLiveRefresh } from '../live/LiveEvents';
import { navigate, studyPath } from '../router';
import { acknowledgeAlert, fetchAlerts, type SlaAlert } from './rosterApi';

const REFRESH_MS = 10_000;

/** Breaches and what escalation did about them, newest first; an administrator acknowledges each. */
export function AlertsSection() {
  const { t, i18n } = useTranslation();
  const alerts = usePolling(fetchAlerts, REFRESH_MS);
  // A breach or an escalation is a live event: the alert shows at once.
  useLiveRefresh(alerts.refresh);
  const language = i18n.language;
  const acknowledge = async (id: string) => {
    await acknowledgeAlert(id).catch(() => undefined);
    alerts.refresh();
  };
  const items = alerts.data?.items ?? [];
  return (
    <section className="card" data-testid="alerts">
      <div className="card-head">
        <h2>{t('roster.alerts')}</h2>
        <RefreshStatus updatedAt={alerts.updatedAt} error={alerts.error} />
      </div>
      {alerts.error && !alerts.data ? (
        <Notice kind="error">{alerts.error.message}</Notice>
      ) : !alerts.data ? (
        <p className="empty">{t('common.loading')}</p>
      ) : items.length === 0 ? (
        <p className="empty">{t('roster.noAlerts')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table compact">
            <thead>
              <tr>
                <th>{t('roster.alertAt')}</th>
                <th>{t('roster.alertKind')}</th>
                <th>{t('column.priority')}</th>
                <th>{t('column.clinic')}</th>
                <th>{t('roster.alertDetail')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr
                  key={a.id}
                  className={`alert-row alert-${a.kind}${a.acknowledgedAt ? ' alert-done' : ''}`}
                  data-testid="alert-row"
                  data-kind={a.kind}
                >
                  <td className="nowrap">{formatDateTime(a.at, language, 'short')}</td>
                  <td>
                    <button type="button" className="link-button" onClick={() => navigate(studyPath(a.study.id))}>
                      {t(`roster.alertKinds.${a.kind}`)}
                    </button>
                  </td>
                  <td>
                    <PriorityBadge priority={a.study.priority} />
                  </td>
                  <td>{localName(a.study.clinic.name, language)}</td>
                  <td>{describe(a, t)}</td>
                  <td>
                    {a.acknowledgedAt ? (
                      <span className="muted">{t('roster.acknowledgedBy', { who: a.acknowledgedBy ?? '' })}</span>
                    ) : (
                      <button type="button" className="button button-quiet" onClick={() => void acknowledge(a.id)}>
                        {t('roster.acknowledge')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function describe(alert: SlaAlert, t: (key: string, options?: Record<string, unknown>) => string): string {
  const d = alert.detail;
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  switch (alert.kind) {
    case 'breach':
      return d.assignee ? t('roster.breachWith', { assignee: text(d.assignee) }) : t('roster.breachUnassigned');
    case 'escalated':
      return t('roster.escalatedTo', { hospital: text(d.hospital), assignee: text(d.assignee) });
    case 'not-escalated':
      return text(d.reason);
  }
}
