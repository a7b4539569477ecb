import { useTranslation } from 'react-i18next';
import { ageAt } from '../format/format';

interface PatientFields {
  patientName: string;
  patientSex: string;
  patientBirthDate: string;
  receivedAt: string;
}

/** "男 · 45岁": sex and age at the examination, whatever of them the file gives. */
export function useSexAge(study: PatientFields): string {
  const { t } = useTranslation();
  const parts: string[] = [];
  const sex = study.patientSex.trim().toUpperCase();
  if (sex === 'M' || sex === 'F' || sex === 'O') parts.push(t(`sex.${sex}`));
  const age = ageAt(study.patientBirthDate, study.receivedAt);
  if (age) parts.push(t(`age.${age.unit}`, { count: age.value }));
  return parts.join(' · ');
}

export function PatientLine({ study }: { study: PatientFields }) {
  const { t } = useTranslation();
  const sexAge = useSexAge(study);
  return (
    <span className="patient">
      <span className="patient-name">{study.patientName || t('patient.unnamed')}</span>
      {sexAge && <span className="patient-meta">{sexAge}</span>}
    </span>
  );
}
