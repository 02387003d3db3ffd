import { TimeZoneSchema } from '@petalpost/contracts';
import { z } from 'zod';

const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time HH:MM, e.g. 22:00');

/** What a person wants to hear with a sound; everything still updates their view. */
export const PreferencesSchema = z
  .strictObject({
    mutedOrders: z.array(z.string().min(1).max(100)).max(1000).default([]).describe('Orders whose notifications update the view without alerting'),
    quietHours: z
      .strictObject({
        from: localTime.describe('Start, local time'),
        to: localTime.describe('End, local time; before `from` means the quiet runs past midnight'),
        timeZone: TimeZoneSchema.describe('The IANA zone of those local times, e.g. Europe/Amsterdam'),
      })
      .nullable()
      .default(null)
      .describe('No alerts in this daily period (critical notifications still alert)'),
    silentEventTypes: z.array(z.string().min(1).max(100)).max(200).default([]).describe('Event types that only update the view, e.g. ProductionStarted'),
  })
  .meta({
    example: {
      mutedOrders: ['7d1e0c52-5d8e-4a57-9b1f-3c2a5f0e9a11'],
      quietHours: { from: '22:00', to: '07:00', timeZone: 'Europe/Amsterdam' },
      silentEventTypes: ['ProductionStarted'],
    },
  });

export type Preferences = z.infer<typeof PreferencesSchema>;

export const DEFAULT_PREFERENCES: Preferences = { mutedOrders: [], quietHours: null, silentEventTypes: [] };

export interface AlertCandidate {
  critical: boolean;
  eventType: string;
  orderId?: string;
}

/**
 * Whether a notification alerts (sound, banner) or only updates the view. Critical ones always
 * alert: an exception on the road is not something a quiet hour may hide.
 */
export function shouldAlert(preferences: Preferences, notification: AlertCandidate, nowMs: number): boolean {
  if (notification.critical) return true;
  if (notification.orderId !== undefined && preferences.mutedOrders.includes(notification.orderId)) return false;
  if (preferences.silentEventTypes.includes(notification.eventType)) return false;
  if (preferences.quietHours && isQuiet(preferences.quietHours, nowMs)) return false;
  return true;
}

/** Within [from, to) local time; a period whose end is before its start runs past midnight. */
export function isQuiet(quietHours: NonNullable<Preferences['quietHours']>, nowMs: number): boolean {
  const now = localMinutes(nowMs, quietHours.timeZone);
  const from = minutesOf(quietHours.from);
  const to = minutesOf(quietHours.to);
  if (from === to) return false;
  return from < to ? now >= from && now < to : now >= from || now < to;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localMinutes(epochMs: number, timeZone: string): number {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, format);
  }
  const parts = format.formatToParts(epochMs);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value);
  return hour * 60 + minute;
}

function minutesOf(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return hours * 60 + minutes;
}
