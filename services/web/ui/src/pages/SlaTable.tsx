import { useTranslation } from 'react-i18next';
import type { SlaSummary } from '../api/types';
import { PriorityBadge } from '../components/PriorityBadge';
import { formatDateTime, formatNumber, formatPercent } from '../format/format';
import { LIMIT_MINUTES } from '../format/sla';

/** Compliance colour bands as quality meetings read them: ≥ 95 % fine, ≥ 85 % watch, below that act. */
function complianceClass(compliance: number | null): string {
  if (compliance === null) return 'muted';
  if (compliance >= 0.95) return 'compliance-good';
  if (compliance >= 0.85) return 'compliance-watch';
  return 'compliance-bad';
}

export function SlaTable({ summary }: { summary: SlaSummary }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  return (
    <>
      <p className="muted small">
        {t('sla.period', {
          from: formatDateTime(summary.periodStart, language, 'short'),
          to: formatDateTime(summary.periodEnd, language, 'short'),
        })}
      </p>
      <div className="table-wrap">
        <table className="table sla-table" data-testid="sla-table">
          <thead>
            <tr>
              <th>{t('column.priority')}</th>
              <th className="num">{t('sla.limit')}</th>
              <th className="num">{t('sla.studies')}</th>
              <th className="num">{t('sla.signed')}</th>
              <th className="num">{t('sla.withinLimit')}</th>
              <th className="num">{t('sla.breached')}</th>
              <th className="num">{t('sla.open')}</th>
              <th className="num">{t('sla.compliance')}</th>
              <th className="num">{t('sla.p50')}</th>
              <th className="num">{t('sla.p95')}</th>
              <th className="num">{t('sla.paused')}</th>
              <th className="num">{t('sla.held')}</th>
            </tr>
          </thead>
          <tbody>
            {summary.rows.map((row) => (
              <tr key={row.priority} data-priority={row.priority}>
                <td>
                  <PriorityBadge priority={row.priority} />
                </td>
                <td className="num">{t('sla.minutes', { value: LIMIT_MINUTES[row.priority] })}</td>
                <td className="num">{row.studies}</td>
                <td className="num">{row.signed}</td>
                <td className="num">{row.withinLimit}</td>
                <td className={`num${row.breached > 0 ? ' breached' : ''}`}>{row.breached}</td>
                <td className="num">{row.open}</td>
                <td className={`num compliance ${complianceClass(row.compliance)}`}>
                  {formatPercent(row.compliance, language)}
                </td>
                <td className="num">
                  {row.p50Minutes === null ? '—' : t('sla.minutes', { value: formatNumber(row.p50Minutes, language) })}
                </td>
                <td className="num">
                  {row.p95Minutes === null ? '—' : t('sla.minutes', { value: formatNumber(row.p95Minutes, language) })}
                </td>
                <td className="num">
                  {row.pausedMinutes ? t('sla.minutes', { value: formatNumber(row.pausedMinutes, language) }) : '—'}
                </td>
                <td className="num">{row.held ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
