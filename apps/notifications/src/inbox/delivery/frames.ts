import type { Audience } from '../domain/audiences';

/** What a client receives, over WebSocket as JSON messages and over SSE as events of the same `type`. */
export interface WelcomeFrame {
  type: 'welcome';
  role: string;
  shopId?: string;
  audiences: Audience[];
  /** Where this connection starts: hand it back to resume from here even if nothing arrives. */
  cursor: string;
}

export interface NotificationFrame {
  type: 'notification';
  /** Resume from here: everything up to and including this notification has been sent. */
  cursor: string;
  audience: Audience;
  seq: number;
  eventId: string;
  eventType: string;
  /** Must be acknowledged ({type:'ack', audience, seq}); re-sent until it is. */
  critical: boolean;
  /** Sound and banner, or only update the view (the person's preferences; critical always alerts). */
  alert: boolean;
  data: unknown;
  occurredAt: string;
  /** A critical notification sent again because it was not acknowledged; same seq. */
  resent?: true;
}

/** Entries the client's cursor pointed into were dropped (retention) or belong elsewhere: reload the view. */
export interface ResetFrame {
  type: 'reset';
  audience: Audience;
  reason: 'retention' | 'unknown_cursor';
  cursor: string;
}

export interface PositionFrame {
  type: 'position';
  audience: Audience;
  riderId?: string;
  orderId?: string;
  lat: number;
  lng: number;
  recordedAt: string;
}

export interface AckedFrame {
  type: 'acked';
  audience: Audience;
  seq: number;
}

export interface ErrorFrame {
  type: 'error';
  code: string;
  message: string;
}

/** The last frame of a connection whose token expired: reconnect with a fresh token and the last cursor. */
export interface ExpiredFrame {
  type: 'expired';
  message: string;
}

/** A WebSocket's token was renewed on the connection: it now ends at `expiresAt`. */
export interface RenewedFrame {
  type: 'renewed';
  expiresAt: string;
}

export type Frame = WelcomeFrame | NotificationFrame | ResetFrame | PositionFrame | AckedFrame | ErrorFrame | ExpiredFrame | RenewedFrame;

/** The transport under a session: a WebSocket or an SSE response. */
export interface Outlet {
  readonly open: boolean;
  /** `json` is the frame as it goes on the wire (a WebSocket message, an SSE event's data). */
  send(frame: Frame, json: string): void;
  /** Bytes written but not yet handed to the network: how far behind the client is. */
  bufferedBytes(): number;
  close(code: number, reason: string): void;
}
