import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { releaseStudy, saveReport, signReport } from '../api/endpoints';
import type { Report, ReportDraft, StudyDetail } from '../api/types';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Notice } from '../components/Notice';
import { formatDateTime, localName } from '../format/format';

interface Props {
  study: StudyDetail['study'];
  report: Report | null;
  /** After save, sign or release: reload the study. */
  onChanged: () => void;
}

function draftOf(report: Report | null): ReportDraft {
  return {
    findings: report?.findings ?? '',
    impression: report?.impression ?? '',
    critical: report?.critical ?? false,
  };
}

function sameDraft(a: ReportDraft, b: ReportDraft): boolean {
  return a.findings === b.findings && a.impression === b.impression && a.critical === b.critical;
}

/**
 * The claimer's report form. Ctrl+S saves the draft; Ctrl+Enter asks to sign. Signing first saves
 * what is on screen, because the server signs the saved draft.
 */
export function ReportEditor({ study, report, onChanged }: Props) {
  const { t, i18n } = useTranslation();
  const [draft, setDraft] = useState<ReportDraft>(() => draftOf(report));
  const [saved, setSaved] = useState<ReportDraft | null>(() => (report ? draftOf(report) : null));
  const [savedAt, setSavedAt] = useState<string | null>(report?.updatedAt ?? null);
  const [busy, setBusy] = useState<'save' | 'sign' | 'release' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const dirty =
    saved === null ? draft.findings !== '' || draft.impression !== '' || draft.critical : !sameDraft(draft, saved);
  const draftRef = useRef(draft);
  const findingsRef = useRef<HTMLTextAreaElement>(null);
  // The reader starts typing as soon as the study is theirs.
  useEffect(() => findingsRef.current?.focus(), []);
  draftRef.current = draft;

  const save = useCallback(async (): Promise<boolean> => {
    const toSave = draftRef.current;
    setBusy('save');
    setError(null);
    try {
      const answer = await saveReport(study.id, toSave);
      setSaved(toSave);
      setSavedAt(answer.report.updatedAt);
      onChanged();
      return true;
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return false;
    } finally {
      setBusy(null);
    }
  }, [study.id, onChanged]);

  const askToSign = useCallback(() => {
    setError(null);
    if (draftRef.current.impression.trim() === '') {
      setError(t('report.impressionRequired'));
      return;
    }
    setConfirming(true);
  }, [t]);

  const sign = async () => {
    if (dirty || saved === null) {
      if (!(await save())) {
        setConfirming(false);
        return;
      }
    }
    setBusy('sign');
    try {
      await signReport(study.id);
      setConfirming(false);
      onChanged();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setConfirming(false);
    } finally {
      setBusy(null);
    }
  };

  const release = async () => {
    if (dirty && !(await save())) return;
    setBusy('release');
    try {
      await releaseStudy(study.id);
      onChanged();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };

  // Keyboard-driven reading: the shortcuts work wherever the focus is on the page.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || confirming) return;
      if (event.key === 's' || event.key === 'S') {
        event.preventDefault();
        if (busy === null) void save();
      } else if (event.key === 'Enter') {
        event.preventDefault();
        if (busy === null) askToSign();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [save, askToSign, busy, confirming]);

  // Closing the tab with unsaved text would lose a half-written report.
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const language = i18n.language;
  return (
    <div className="report-editor">
      {error && (
        <Notice kind="error" testId="report-error">
          {error}
        </Notice>
      )}
      <label className="field">
        <span className="field-label">{t('report.findings')}</span>
        <textarea
          data-testid="report-findings"
          rows={9}
          value={draft.findings}
          ref={findingsRef}
          onChange={(event) => setDraft({ ...draft, findings: event.target.value })}
        />
      </label>
      <label className="field">
        <span className="field-label">{t('report.impression')}</span>
        <textarea
          data-testid="report-impression"
          rows={4}
          value={draft.impression}
          onChange={(event) => setDraft({ ...draft, impression: event.target.value })}
        />
      </label>
      <label className={`critical-check${draft.critical ? ' checked' : ''}`}>
        <input
          type="checkbox"
          data-testid="report-critical"
          checked={draft.critical}
          onChange={(event) => setDraft({ ...draft, critical: event.target.checked })}
        />
        <span className="critical-label">{t('report.critical')}</span>
        <span className="critical-hint">{t('report.criticalHint')}</span>
      </label>
      <div className="editor-actions">
        <button
          type="button"
          className="button"
          data-testid="save-draft"
          disabled={busy !== null}
          onClick={() => void save()}
        >
          {busy === 'save' ? t('report.saving') : t('report.saveDraft')}
          <kbd>Ctrl+S</kbd>
        </button>
        <button
          type="button"
          className="button button-primary"
          data-testid="sign"
          disabled={busy !== null}
          onClick={askToSign}
        >
          {t('report.sign')}
          <kbd>Ctrl+Enter</kbd>
        </button>
        <span className={`save-state${dirty ? ' save-state-dirty' : ''}`} data-testid="save-state">
          {dirty
            ? t('report.unsaved')
            : savedAt
              ? t('report.savedAt', { time: formatDateTime(savedAt, language, 'time') })
              : ''}
        </span>
        <button
          type="button"
          className="button button-quiet push-right"
          disabled={busy !== null}
          onClick={() => void release()}
        >
          {t('report.release')}
        </button>
      </div>
      {confirming && (
        <ConfirmDialog
          title={t('report.confirmTitle')}
          confirmLabel={busy === 'sign' || busy === 'save' ? t('report.signing') : t('report.confirmSign')}
          cancelLabel={t('common.cancel')}
          confirmTestId="confirm-sign"
          busy={busy !== null}
          danger={draft.critical}
          onConfirm={() => void sign()}
          onCancel={() => setConfirming(false)}
        >
          <p>{t('report.confirmText', { clinic: localName(study.clinic.name, language) })}</p>
          <p className="confirm-summary">
            <strong>{study.patientName}</strong> · {study.studyDescription}
          </p>
          <p className="confirm-impression">{draft.impression}</p>
          {draft.critical && <p className="critical-banner">{t('report.confirmCritical')}</p>}
        </ConfirmDialog>
      )}
    </div>
  );
}
