import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { holdStudy, resumeStudy } from '../api/endpoints';
import type { StudyDetail } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { Notice } from '../components/Notice';
import { formatDateTime, localName } from '../format/format';

/**
 * Questions to the clinic. The reading radiologist asks (the SLA clock stops); the clinic sees the
 * question and answers (the clock runs again, the paused time not counted); every question and
 * answer stays listed with how long the clock was stopped.
 */
export function HoldPanel({ detail, onChanged }: { detail: StudyDetail; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const { user } = useAuth();
  const { study } = detail;
  const holds = detail.holds ?? [];
  const [text, setText] = useState('');
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const language = i18n.language;

  const mine = user.role === 'radiologist' && study.assignedTo === user.username;
  const open = study.status === 'assigned' || study.status === 'reading';
  const clinic = user.role === 'radiographer';
  if (holds.length === 0 && !(mine && open)) return null;

  const act = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      setText('');
      setAsking(false);
      onChanged();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const earlier = holds.filter((h) => h.resumedAt !== null);

  return (
    <section className="card hold-card" data-testid="hold-panel">
      <h2 className="card-title">{t('hold.title')}</h2>
      {error && <Notice kind="error">{error}</Notice>}
      {study.hold ? (
        <div className="hold-open" data-testid="hold-state">
          <Notice kind="warning">
            <strong>{t('hold.waiting')}</strong>
            <div className="sub">{t('hold.since', { time: formatDateTime(study.hold.since, language, 'time') })}</div>
          </Notice>
          <p className="hold-question">
            <span className="field-label">{clinic ? t('hold.clinicAsked') : t('hold.question')}</span>{' '}
            <span data-testid="hold-question">{study.hold.reason}</span>
          </p>
          {clinic && (
            <form
              className="hold-form"
              onSubmit={(event) => {
                event.preventDefault();
                void act(() => resumeStudy(study.id, text));
              }}
            >
              <label className="field">
                <span className="field-label">{t('hold.answerLabel')}</span>
                <textarea
                  data-testid="hold-answer"
                  value={text}
                  maxLength={2000}
                  rows={3}
                  placeholder={t('hold.answerPlaceholder')}
                  onChange={(event) => setText(event.target.value)}
                />
              </label>
              <button
                type="submit"
                className="button button-primary"
                data-testid="hold-answer-submit"
                disabled={busy || text.trim() === ''}
              >
                {t('hold.answerSubmit')}
              </button>
            </form>
          )}
          {mine && (
            <button
              type="button"
              className="button button-quiet"
              data-testid="hold-withdraw"
              disabled={busy}
              onClick={() => void act(() => resumeStudy(study.id, t('hold.withdrawnAnswer')))}
            >
              {t('hold.withdraw')}
            </button>
          )}
        </div>
      ) : (
        mine &&
        open &&
        (asking ? (
          <form
            className="hold-form"
            onSubmit={(event) => {
              event.preventDefault();
              void act(() => holdStudy(study.id, text));
            }}
          >
            <label className="field">
              <span className="field-label">{t('hold.reasonLabel')}</span>
              <textarea
                data-testid="hold-reason"
                value={text}
                maxLength={2000}
                rows={3}
                placeholder={t('hold.reasonPlaceholder')}
                onChange={(event) => setText(event.target.value)}
              />
            </label>
            <div className="editor-actions">
              <button
                type="submit"
                className="button button-primary"
                data-testid="hold-submit"
                disabled={busy || text.trim() === ''}
              >
                {t('hold.submit')}
              </button>
              <button type="button" className="button button-quiet" onClick={() => setAsking(false)}>
                {t('hold.cancel')}
              </button>
            </div>
          </form>
        ) : (
          <button type="button" className="button" data-testid="hold-ask" onClick={() => setAsking(true)}>
            {t('hold.ask')}
          </button>
        ))
      )}
      {(study.pausedMinutes ?? 0) > 0 && (
        <p className="muted small" data-testid="paused-total">
          {t('hold.pausedTotal', { minutes: study.pausedMinutes })}
        </p>
      )}
      {earlier.length > 0 && (
        <ul className="hold-history">
          {earlier.map((h) => (
            <li key={h.heldAt} data-testid="hold-history-item">
              <div>
                <span className="field-label">{t('hold.question')}</span> {h.reason}{' '}
                <span className="muted small">
                  {t('hold.askedBy', { name: localName(h.by.name, language) || h.by.username })} ·{' '}
                  {formatDateTime(h.heldAt, language, 'short')}
                </span>
              </div>
              <div>
                <span className="field-label">{t('hold.answer')}</span>{' '}
                {h.resumedVia === 'image' ? t('hold.viaImage') : h.answer}{' '}
                {h.pausedMinutes !== null && (
                  <span className="muted small">{t('hold.pausedFor', { minutes: h.pausedMinutes })}</span>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
