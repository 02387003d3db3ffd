import { useTranslation } from 'react-i18next';

/** The services by the names operators read. */
export function useServiceNames(): Record<'orders' | 'dispatch' | 'messaging' | 'notifications' | 'accounts', string> {
  const { t } = useTranslation();
  return {
    orders: t('operator.services.orders'),
    dispatch: t('operator.services.dispatch'),
    messaging: t('operator.services.messaging'),
    notifications: t('operator.services.notifications'),
    accounts: t('operator.services.accounts'),
  };
}
