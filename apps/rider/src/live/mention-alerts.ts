import type { Notification } from '@petalpost/web-kit';
import type { TFunction } from 'i18next';

/**
 * A mention shows as a system notification (through the service worker, so it also shows while
 * the app is in the background but still running, and a tap opens the chat). Permission is asked
 * once, from a tap (`askForAlerts`), never on load. True background push — Web Push, reaching a
 * phone whose app is closed — is not built yet: the notifications service has no push endpoint.
 */
const ASKED_KEY = 'petalpost.rider.alertsAsked';

export const alertsSupported = (): boolean => typeof Notification === 'function' && 'serviceWorker' in navigator;
export const alertsState = (): NotificationPermission | 'unsupported' => (alertsSupported() ? Notification.permission : 'unsupported');
export const alertsAsked = (): boolean => localStorage.getItem(ASKED_KEY) === 'yes';

/** Asks the browser for permission to show alerts: call it from a tap. */
export async function askForAlerts(): Promise<NotificationPermission | 'unsupported'> {
  if (!alertsSupported()) return 'unsupported';
  localStorage.setItem(ASKED_KEY, 'yes');
  return Notification.requestPermission();
}

export async function notifyMention(notification: Notification, t: TFunction): Promise<void> {
  if (alertsState() !== 'granted') return;
  const registration = await navigator.serviceWorker.getRegistration('/rider/');
  if (!registration) return;
  const orderId = notification.data?.orderId;
  const text = typeof notification.data?.text === 'string' ? notification.data.text : undefined;
  await registration.showNotification(t('common.alerts.mentionTitle'), {
    body: text ?? t('common.alerts.mentionBody'),
    tag: `mention:${notification.eventId}`,
    icon: '/rider/icons/icon-192.png',
    data: { url: orderId ? `/rider/chat/${encodeURIComponent(orderId)}` : '/rider/chat' },
  });
}
