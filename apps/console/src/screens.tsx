import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import { AttentionBadge } from './features/intake/attention-badge';
import type { Membership, Role } from './session/session';

export interface Screen {
  path: string;
  /** The nav label's key under common.nav; screens without one are reached from others (an order's page). */
  nav?: string;
  /** Who gets the screen: by acting role, and for some also by the owner's right. */
  allowed: (role: Role, membership: Membership | undefined) => boolean;
  Page: LazyExoticComponent<ComponentType>;
  /** A count shown beside the nav label (small, loaded with the shell: it reads one query). */
  Badge?: ComponentType;
}

const roles =
  (...allowed: Role[]) =>
  (role: Role) =>
    allowed.includes(role);

// Each screen loads with its own code, so the first screen carries no map or chart library.
// The list only offers screens; what each shows is what the API gives the role.
export const SCREENS: Screen[] = [
  { path: '/orders', nav: 'board', allowed: roles('staff', 'dispatcher'), Page: lazy(() => import('./features/board/board-page')) },
  { path: '/orders/new', nav: 'newOrder', allowed: roles('staff'), Page: lazy(() => import('./features/order-form/new-order-page')) },
  { path: '/orders/:orderId', allowed: roles('staff', 'dispatcher', 'florist'), Page: lazy(() => import('./features/order/order-page')) },
  { path: '/production', nav: 'production', allowed: roles('florist', 'staff'), Page: lazy(() => import('./features/production/production-page')) },
  { path: '/dispatch', nav: 'dispatch', allowed: roles('dispatcher', 'staff'), Page: lazy(() => import('./features/dispatch/dispatch-page')) },
  { path: '/exceptions', nav: 'exceptions', allowed: roles('dispatcher', 'staff'), Page: lazy(() => import('./features/exceptions/exceptions-page')) },
  {
    path: '/attention',
    nav: 'attention',
    allowed: roles('staff'),
    Page: lazy(() => import('./features/intake/attention-page')),
    Badge: AttentionBadge,
  },
  { path: '/import', nav: 'import', allowed: roles('staff'), Page: lazy(() => import('./features/intake/import-page')) },
  { path: '/print', nav: 'print', allowed: roles('staff', 'florist'), Page: lazy(() => import('./features/print/print-page')) },
  {
    path: '/shop',
    nav: 'shop',
    allowed: (role, m) => role !== 'operator' && Boolean(m?.owner || m?.manageTeam),
    Page: lazy(() => import('./features/shop/shop-page')),
  },
  {
    // The owner connects the shop's systems (the "set up by the owner"); staff work what they send on the two screens above.
    path: '/intake',
    nav: 'intake',
    allowed: (role, m) => role === 'staff' && Boolean(m?.owner),
    Page: lazy(() => import('./features/intake/intake-page')),
  },
  {
    path: '/analytics',
    nav: 'analytics',
    allowed: (role, m) => (role === 'staff' && Boolean(m?.owner)) || role === 'dispatcher',
    Page: lazy(() => import('./features/analytics/analytics-page')),
  },
  { path: '/operator', nav: 'operator', allowed: roles('operator'), Page: lazy(() => import('./features/operator/operator-page')) },
];

/** Where a role starts its day. */
export const HOME: Record<Role, string> = { staff: '/orders', florist: '/production', dispatcher: '/dispatch', rider: '/', operator: '/operator' };
