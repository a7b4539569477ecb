import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LocalizedName } from '../api/types';
import { Notice } from '../components/Notice';
import { RefreshStatus } from '../components/RefreshStatus';
import { formatDateTime, localName } from '../format/format';
import { usePolling } from '../hooks/usePolling';
import { useLiveRefresh } from '../live/LiveEvents';
import { RosterEditor } from './RosterEditor';
import { fetchRoster, type RosterRadiologist, setDuty } from './rosterApi';

const REFRESH_MS = 5000;

/**
 * Who reads now: each radiologist's hospital, title, duty switch, shift, presence (worklist open)
 * and open studies against their cap. Switching someone off duty moves their unopened studies to a
 * colleague within seconds.
 */
export function RosterSection() {
  const { t } = useTranslation();
  const roster = usePolling(fetchRoster, REFRESH_MS);
  // Open counts change with every assignment and move.
  useLiveRefresh(roster.refresh);
  const [editing, setEditing] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const toggle = async (r: RosterRadiologist) => {
    setBusy(r.username);
    setError(null);
    try {
      await setDuty(r.username, !r.onDuty);
      roster.refresh();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="card" data-testid="roster">
      <div className="card-head">
        <h2>{t('roster.title')}</h2>
        <RefreshStatus updatedAt={roster.updatedAt} error={roster.error} />
      </div>
      {error && <Notice kind="error">{error}</Notice>}
      {roster.data ? (
        <div className="table-wrap">
          <table className="table roster-table">
            <thead>
              <tr>
                <th>{t('roster.radiologist')}</th>
                <th>{t('roster.hospital')}</th>
                <th>{t('roster.titleColumn')}</th>
                <th>{t('roster.duty')}</th>
                <th>{t('roster.shift')}</th>
                <th>{t('roster.presence')}</th>
                <th className="num">{t('roster.openCap')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {roster.data.radiologists.map((r) => (
                <RosterRow
                  key={r.username}
                  radiologist={r}
                  hospital={roster.data?.hospitals.find((h) => h.code === r.hospital)?.name ?? null}
                  busy={busy === r.username}
                  editing={editing === r.username}
                  onToggle={() => void toggle(r)}
                  onEdit={() => setEditing(editing === r.username ? null : r.username)}
                  onSaved={() => {
                    setEditing(null);
                    roster.refresh();
                  }}
                />
              ))}
            </tbody>
          </table>
        </div>
      ) : roster.error ? (
        <Notice kind="error">{roster.error.message}</Notice>
      ) : (
        <p className="empty">{t('common.loading')}</p>
      )}
    </section>
  );
}

interface RowProps {
  radiologist: RosterRadiologist;
  hospital: LocalizedName | null;
  busy: boolean;
  editing: boolean;
  onToggle: () => void;
  onEdit: () => void;
  onSaved: () => void;
}

function RosterRow({ radiologist: r, hospital, busy, editing, onToggle, onEdit, onSaved }: RowProps) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  return (
    <>
      <tr data-testid={`roster-row-${r.username}`} data-on-duty={String(r.onDuty)} data-present={String(r.present)}>
        <td>
          <strong>{localName(r.name, language)}</strong>
          <div className="sub">{r.username}</div>
        </td>
        <td>{localName(hospital, language) || r.hospital}</td>
        <td>{r.title ? t(`roster.titles.${r.title}`) : '—'}</td>
        <td>
          <button
            type="button"
            className={`button duty-toggle ${r.onDuty ? 'duty-on' : 'duty-off'}`}
            aria-pressed={r.onDuty}
            disabled={busy}
            data-testid={`duty-toggle-${r.username}`}
            onClick={onToggle}
          >
            {r.onDuty ? t('roster.onDuty') : t('roster.offDuty')}
          </button>
        </td>
        <td>
          {r.onShift ? (
            <span className="shift-on">
              {r.shiftEndsAt
                ? t('roster.onShiftUntil', { time: formatDateTime(r.shiftEndsAt, language, 'short') })
                : r.shifts.weekly.length + r.shifts.dated.length === 0
                  ? t('roster.alwaysOnShift')
                  : t('roster.onShiftAllWeek')}
            </span>
          ) : (
            <span className="muted">{t('roster.offShift')}</span>
          )}
        </td>
        <td>
          <span className={`presence-dot ${r.present ? 'present' : 'absent'}`} aria-hidden />
          {r.present ? t('roster.present') : t('roster.absent')}
        </td>
        <td className="num" data-testid={`roster-open-${r.username}`}>
          {r.open} / {r.maxOpen ?? '∞'}
          <div className="sub">{t('roster.unopened', { count: r.unopened })}</div>
        </td>
        <td>
          <button
            type="button"
            className="button button-quiet"
            onClick={onEdit}
            data-testid={`roster-edit-${r.username}`}
          >
            {editing ? t('roster.close') : t('roster.edit')}
          </button>
        </td>
      </tr>
      {editing && (
        <tr className="roster-editor-row">
          <td colSpan={8}>
            <RosterEditor radiologist={r} onSaved={onSaved} />
          </td>
        </tr>
      )}
    </>
  );
}
