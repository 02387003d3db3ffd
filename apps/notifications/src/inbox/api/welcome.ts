import type { WelcomeFrame } from '../delivery/frames';
import type { ReaderSession } from '../delivery/reader-session';

export function welcomeFrame(session: ReaderSession): WelcomeFrame {
  const { role, shopId } = session.principal;
  return { type: 'welcome', role, ...(shopId ? { shopId } : {}), audiences: [...session.audiences], cursor: session.cursor() };
}
