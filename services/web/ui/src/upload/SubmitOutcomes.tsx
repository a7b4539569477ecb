import { useTranslation } from 'react-i18next';
import { PriorityBadge } from '../components/PriorityBadge';
import { navigate, studyPath } from '../router';
import type { SubmitOutcome } from './submitStudies';

/** What "study complete" did for each uploaded study. */
export function SubmitOutcomes({ outcomes }: { outcomes: readonly SubmitOutcome[] }) {
  const { t } = useTranslation();
  return (
    <ul className="submit-outcomes" data-testid="submit-outcomes">
      {outcomes.map((o) => (
        <li key={o.studyId} className={`outcome outcome-${o.result}`} data-result={o.result}>
          {o.result === 'notFound' || (o.result === 'error' && o.study === null) ? (
            <span>
              {o.result === 'notFound'
                ? t('upload.outcome.notFound', { id: o.studyId })
                : t('upload.outcome.error', { message: o.message })}
            </span>
          ) : (
            o.study && (
              <>
                <PriorityBadge priority={o.study.priority} />
                <a
                  href={studyPath(o.study.id)}
                  onClick={(event) => {
                    event.preventDefault();
                    if (o.study) navigate(studyPath(o.study.id));
                  }}
                >
                  {o.study.patientName || t('patient.unnamed')} · {o.study.studyDescription || t('study.noDescription')}
                </a>
                <span>
                  {o.result === 'error'
                    ? t('upload.outcome.error', { message: o.message })
                    : o.result === 'already'
                      ? t('upload.outcome.already', { status: t(`status.${o.study.status}`) })
                      : t('upload.outcome.submitted')}
                </span>
              </>
            )
          )}
        </li>
      ))}
    </ul>
  );
}
