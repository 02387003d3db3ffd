import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react-swc';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The console is served by the gateway from dist/console; in development `vite` proxies the
// same paths to a running gateway (npm start), so the browser still sees one origin.
const gateway = process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [react()],
  resolve: {
    alias: {
      '@petalpost/api-clients': here('../../libs/api-clients/src/index.ts'),
      '@petalpost/web-kit': here('../../libs/web-kit/src/index.ts'),
    },
  },
  build: {
    outDir: here('../../dist/console'),
    emptyOutDir: true,
    sourcemap: true,
    // The map and chart libraries are large; they load with the screens that use them, never up front.
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: {
      '/api': gateway,
      '/config.json': gateway,
      '/ws': { target: gateway.replace(/^http/, 'ws'), ws: true },
    },
  },
});
