import type { Risk } from './risk';

/** The map's colours, shared with the legend (kept apart so the legend does not load the map). */
export const RISK_COLOURS: Record<Risk, string> = {
  on_time: '#1e6b3a',
  at_risk: '#8a4b00',
  late: '#b00020',
  no_eta: '#4a4a52',
  done: '#8b8680',
};
export const RIDER_COLOUR = '#1a57d6';
