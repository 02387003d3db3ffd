import { type ComponentType, lazy, type LazyExoticComponent } from 'react';
import { Placeholder } from './shell/placeholder';

/**
 * The rider's screens, by path. Each screen is its own file under features/, loaded when first
 * shown (the first screen's JavaScript stays small), and named here by file and export:
 *
 * | path                       | file                                   | export           |
 * |----------------------------|----------------------------------------|------------------|
 * | `/`                        | features/run/run-page.tsx              | `RunPage`        |
 * | `/stops/:orderId`          | features/stop/stop-page.tsx            | `StopPage`       |
 * | `/chat`, `/chat/:orderId`  | features/chat/chat-page.tsx            | `ChatPage`       |
 * | `/exceptions`              | features/exceptions/exceptions-page.tsx| `ExceptionsPage` |
 *
 * A screen whose file is not there yet shows a placeholder, so the shell builds and runs without it.
 */
const pages = import.meta.glob<Record<string, ComponentType>>('./features/*/*-page.tsx');

function screen(file: string, exported: string, titleKey: string): LazyExoticComponent<ComponentType> {
  const load = pages[`./features/${file}`];
  return lazy(async () => {
    const module = load ? await load() : undefined;
    const Page = module?.[exported];
    return { default: Page ?? (() => <Placeholder titleKey={titleKey} />) };
  });
}

export interface RiderRoute {
  path: string;
  Page: LazyExoticComponent<ComponentType>;
}

const RunPage = screen('run/run-page.tsx', 'RunPage', 'common.nav.run');
const StopPage = screen('stop/stop-page.tsx', 'StopPage', 'common.nav.stop');
const ChatPage = screen('chat/chat-page.tsx', 'ChatPage', 'common.nav.chat');
const ExceptionsPage = screen('exceptions/exceptions-page.tsx', 'ExceptionsPage', 'common.nav.exceptions');

export const ROUTES: RiderRoute[] = [
  { path: '/', Page: RunPage },
  { path: '/stops/:orderId', Page: StopPage },
  { path: '/chat', Page: ChatPage },
  { path: '/chat/:orderId', Page: ChatPage },
  { path: '/exceptions', Page: ExceptionsPage },
];
