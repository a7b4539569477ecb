import { useTranslation } from 'react-i18next';
import type { Priority } from '../api/types';
import { formatMinutesSeconds } from '../format/format';
import { deadlineClock } from '../format/sla';

interface Props {
  study: { priority: Priority; readyAt: string | null; deadlineAt: string };
  /** The server's "now" (see useServerNow), so a wrong PC clock does not lie. */
  now: number;
  large?: boolean;
}

/** Time left to the report deadline: mm:ss, amber under a quarter of the limit, red and "+mm:ss" once past. */
export function Countdown({ study, now, large = false }: Props) {
  const { t } = useTranslation();
  const clock = deadlineClock(study, now);
  const text =
    clock.state === 'overdue'
      ? t('countdown.overdue', { time: formatMinutesSeconds(-clock.remainingSeconds) })
      : formatMinutesSeconds(clock.remainingSeconds);
  return (
    <span
      className={`countdown countdown-${clock.state}${large ? ' countdown-large' : ''}`}
      data-testid="countdown"
      data-state={clock.state}
      role="timer"
      aria-label={t(`countdown.aria.${clock.state}`, { time: text })}
    >
      {text}
    </span>
  );
}
