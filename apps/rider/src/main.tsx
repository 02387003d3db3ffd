import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { registerSW } from 'virtual:pwa-register';
import { ApiError } from './api';
import { App } from './app';
import { setupI18n } from './i18n/i18n';
import './styles.css';

// Server state lives in TanStack Query; the live stream marks it stale when something changes.
// A refusal (4xx) is an answer, not a fault to retry.
const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      networkMode: 'offlineFirst',
      retry: (failures, error) => !(error instanceof ApiError && error.status < 500) && failures < 2,
    },
  },
});

await setupI18n();
// The service worker keeps the app's shell for when there is no network; a new version takes over
// at the next start (the gateway never lets a browser keep sw.js for long).
if ('serviceWorker' in navigator) registerSW({ immediate: true });
createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter basename="/rider">
        <App />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
