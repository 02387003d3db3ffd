import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';

/**
 * Nest's ws adapter, with the frame limit from config (a gateway's decorator options are fixed at
 * compile time). ws checks a frame's length from its header and closes with 1009 before reading
 * the payload, so an oversized frame is never buffered.
 */
export class PushWsAdapter extends WsAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly maxPayloadBytes: number,
  ) {
    super(app);
  }

  override create(port: number, options: Parameters<WsAdapter['create']>[1] = {}): ReturnType<WsAdapter['create']> {
    return super.create(port, { ...options, maxPayload: this.maxPayloadBytes });
  }
}
