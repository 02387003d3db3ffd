import { logProjections } from '@petalpost/event-store';
import { deliveryArrivalsProjection } from './deliveries/projections/delivery-arrivals.projection';
import { ridersProjection } from './riders/projections/riders.projection';

/** The read models kept from dispatch's own log while the service runs. */
export const dispatchProjections = logProjections('DispatchProjections', () => [ridersProjection, deliveryArrivalsProjection]);
