import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Notice } from '../components/Notice';
import { changeRoster, type RosterRadiologist } from './rosterApi';
import { formatShifts, parseShifts } from './shiftText';

const list = (text: string) =>
  text
    .split(/[,\s]+/)
    .map((v) => v.trim().toUpperCase())
    .filter((v) => v !== '');

/** Edits one radiologist's weekly shifts, cap and qualifications. */
export function RosterEditor({ radiologist: r, onSaved }: { radiologist: RosterRadiologist; onSaved: () => void }) {
  const { t } = useTranslation();
  const [shifts, setShifts] = useState(formatShifts(r.shifts.weekly));
  const [cap, setCap] = useState(r.maxOpen === null ? '' : String(r.maxOpen));
  const [modalities, setModalities] = useState((r.modalities ?? []).join(', '));
  const [bodyParts, setBodyParts] = useState((r.bodyParts ?? []).join(', '));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseShifts(shifts);
    if ('badLine' in parsed) {
      setError(t('roster.badShiftLine', { line: parsed.badLine }));
      return;
    }
    const maxOpen = cap.trim() === '' ? null : Number(cap);
    if (maxOpen !== null && (!Number.isInteger(maxOpen) || maxOpen < 1)) {
      setError(t('roster.badCap'));
      return;
    }
    const m = list(modalities);
    const b = list(bodyParts);
    setSaving(true);
    setError(null);
    try {
      await changeRoster(r.username, {
        shifts: { weekly: parsed.shifts, dated: r.shifts.dated },
        maxOpen,
        modalities: m.length === 0 ? null : m,
        bodyParts: b.length === 0 ? null : b,
      });
      onSaved();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="roster-editor" onSubmit={(e) => void save(e)} data-testid={`roster-editor-${r.username}`}>
      <label className="field">
        <span className="field-label">{t('roster.shiftsLabel')}</span>
        <textarea
          rows={3}
          value={shifts}
          onChange={(e) => setShifts(e.target.value)}
          placeholder="mon-fri 08:00-17:30"
          data-testid="roster-shifts"
        />
        <span className="hint">{t('roster.shiftsHint')}</span>
      </label>
      <label className="field">
        <span className="field-label">{t('roster.capLabel')}</span>
        <input
          inputMode="numeric"
          value={cap}
          onChange={(e) => setCap(e.target.value)}
          placeholder="∞"
          data-testid="roster-cap"
        />
      </label>
      <label className="field">
        <span className="field-label">{t('roster.modalitiesLabel')}</span>
        <input value={modalities} onChange={(e) => setModalities(e.target.value)} placeholder="DX, CR" />
      </label>
      <label className="field">
        <span className="field-label">{t('roster.bodyPartsLabel')}</span>
        <input value={bodyParts} onChange={(e) => setBodyParts(e.target.value)} placeholder="CHEST" />
      </label>
      {error && <Notice kind="error">{error}</Notice>}
      <button type="submit" className="button button-primary" disabled={saving} data-testid="roster-save">
        {t('roster.save')}
      </button>
    </form>
  );
}
