import { z } from 'zod';

/** Limits on one live connection (README's configuration table and docs/notifications.md list them). */
export const pushConfigShape = {
  PUSH_MAX_FRAME_BYTES: z.coerce
    .number()
    .int()
    .min(512)
    .max(1024 * 1024)
    .default(4096)
    .describe('A larger WebSocket frame closes the connection with 1009'),
  PUSH_MESSAGES_PER_SECOND: z.coerce.number().positive().max(10_000).default(10).describe('Messages a WebSocket client may send a second, on average'),
  PUSH_MESSAGE_BURST: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(50)
    .describe('Messages a WebSocket client may send at once; beyond the rate it is closed with 1008'),
  PUSH_MAX_CONNECTIONS_PER_SUBJECT: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(10)
    .describe('Live connections (WebSocket and SSE) one person may hold on a replica'),
  PUSH_ACK_FLUSH_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(5000)
    .default(50)
    .describe('A connection’s acknowledgements are gathered this long and written at once'),
};
