import { logProjections } from '@petalpost/event-store';
import { PersonalDataVault } from '../../personal-data/personal-data-vault';
import { orderSummariesProjection } from './order-summaries/order-summaries.projection';

export const ORDER_PROJECTIONS = Symbol('ORDER_PROJECTIONS');

/**
 * The read models of the order log, kept up to date while the service runs. Read models only:
 * anything that reaches outside the database (pushes, SMS) is a reactor on Kafka with an inbox,
 * and a rebuild — which replays the whole log through these projections — never re-runs it.
 */
export const orderProjections = logProjections(ORDER_PROJECTIONS, (vault: PersonalDataVault) => [orderSummariesProjection(vault)], [PersonalDataVault]);
