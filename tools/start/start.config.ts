import { z } from 'zod';
import { publicUrl } from '../gateway/gateway.config';

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

/** What `npm start` reads from the environment; every variable is optional. */
export const startConfigSchema = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  KAFKA_BROKERS: z.string().min(1).optional(),
  KAFKA_NAMESPACE: z.string().default(''),
  KAFKA_PORT: port(9092),
  KAFKA_CONTROLLER_PORT: port(9093),
  POSTGRES_PORT: port(5433),
  ORDERS_PORT: port(3001),
  DISPATCH_PORT: port(3002),
  MESSAGING_PORT: port(3003),
  NOTIFICATIONS_PORT: port(3004),
  ACCOUNTS_PORT: port(3005),
  /** The one API reference of all the services (Swagger UI). */
  REFERENCE_PORT: port(3000),
  /** The console and the services behind one origin. */
  GATEWAY_PORT: port(8080),
  /** The map's tiles or style, and a geocoder, for the console (none: riders and stops on a plain background). */
  TILE_URL: publicUrl.optional(),
  GEOCODER_URL: publicUrl.optional(),
  LOG_LEVEL: z.string().default('info'),
  /** The demo shop's day: today's orders and a rider riding a loop (`false` for a quiet system). */
  DEMO_DAY: z.stringbool().default(true),
  /** Where the embedded PostgreSQL, the local broker and the service logs keep their files (default `.data/` of the repo). */
  DATA_DIR: z.string().min(1).optional(),
});

export type StartConfig = z.infer<typeof startConfigSchema>;

export const SERVICES = ['orders', 'dispatch', 'messaging', 'notifications', 'accounts'] as const;
export type ServiceName = (typeof SERVICES)[number];

export function servicePort(config: StartConfig, service: ServiceName): number {
  const ports: Record<ServiceName, number> = {
    orders: config.ORDERS_PORT,
    dispatch: config.DISPATCH_PORT,
    messaging: config.MESSAGING_PORT,
    notifications: config.NOTIFICATIONS_PORT,
    accounts: config.ACCOUNTS_PORT,
  };
  return ports[service];
}
