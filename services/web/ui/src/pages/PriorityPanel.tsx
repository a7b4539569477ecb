import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { raisePriority } from '../api/endpoints';
import { PRIORITIES, type Priority, type StudyDetail } from '../api/types';
import { Notice } from '../components/Notice';
import { PriorityBadge } from '../components/PriorityBadge';

/** The clinic raises a study's priority (never lowers it): the deadline is counted again. */
export function PriorityPanel({ detail, onChanged }: { detail: StudyDetail; onChanged: () => void }) {
  const { t } = useTranslation();
  const { study } = detail;
  const higher = PRIORITIES.slice(0, PRIORITIES.indexOf(study.priority));
  const [choice, setChoice] = useState<Priority | ''>('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  if (study.status === 'signed') return null;
  const selected = choice !== '' && higher.includes(choice) ? choice : (higher.at(-1) ?? '');

  const raise = async () => {
    if (selected === '') return;
    setBusy(true);
    setError(null);
    try {
      await raisePriority(study.id, selected);
      setDone(true);
      setChoice('');
      onChanged();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" data-testid="priority-panel">
      <h2 className="card-title">{t('priorityRaise.title')}</h2>
      {error && <Notice kind="error">{error}</Notice>}
      {done && <Notice kind="success">{t('priorityRaise.done')}</Notice>}
      <p>
        <PriorityBadge priority={study.priority} />{' '}
        {study.priorityRaisedFrom && (
          <span className="muted small">
            {t('priorityRaise.raisedFrom', { from: t(`priority.${study.priorityRaisedFrom}`) })}
          </span>
        )}
      </p>
      {higher.length === 0 ? (
        <p className="muted small">{t('priorityRaise.highest')}</p>
      ) : (
        <div className="inline-field">
          <span className="field-label">{t('priorityRaise.to')}</span>
          <select
            data-testid="priority-select"
            value={selected}
            onChange={(event) => setChoice(event.target.value as Priority)}
          >
            {higher.map((p) => (
              <option key={p} value={p}>
                {t(`priority.${p}`)}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="button button-primary"
            data-testid="priority-raise"
            disabled={busy}
            onClick={() => void raise()}
          >
            {t('priorityRaise.raise')}
          </button>
        </div>
      )}
    </section>
  );
}
