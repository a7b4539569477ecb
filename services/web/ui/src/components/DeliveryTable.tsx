import { useTranslation } from 'react-i18next';
import type { Delivery } from '../api/types';
import { formatDateTime } from '../format/format';

/** Where the signed report went and whether it arrived; retries and the last error are the admin's clue. */
export function DeliveryTable({ deliveries }: { deliveries: readonly Delivery[] }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  if (deliveries.length === 0) return <p className="empty">{t('deliveries.empty')}</p>;
  return (
    <table className="table compact" data-testid="deliveries">
      <thead>
        <tr>
          <th>{t('deliveries.channel')}</th>
          <th>{t('deliveries.target')}</th>
          <th>{t('deliveries.status')}</th>
          <th className="num">{t('deliveries.attempts')}</th>
          <th>{t('deliveries.lastAttempt')}</th>
          <th>{t('deliveries.lastError')}</th>
        </tr>
      </thead>
      <tbody>
        {deliveries.map((d, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: deliveries carry no id, and the list only ever grows at the end
          <tr key={`${d.channel}-${d.target}-${index}`}>
            <td>{t(`deliveries.channels.${d.channel}`, { defaultValue: d.channel })}</td>
            <td className="break">{d.target}</td>
            <td>
              <span className={`delivery delivery-${d.status}`}>
                {t(`delivery.${d.status}`, { defaultValue: d.status })}
              </span>
              {d.deliveredAt && <div className="sub">{formatDateTime(d.deliveredAt, language, 'short')}</div>}
            </td>
            <td className="num">{d.attempts}</td>
            <td className="nowrap">{formatDateTime(d.lastAttemptAt, language, 'short') || '—'}</td>
            <td className="break error-text">{d.lastError ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
