import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react-swc';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The rider's app is served by the gateway at /rider from dist/rider; in development `vite`
// proxies the API and the stream to a running gateway (npm start), so the phone sees one origin.
const gateway = process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: here('.'),
  base: '/rider/',
  plugins: [react()],
  resolve: {
    alias: {
      '@petalpost/api-clients': here('../../libs/api-clients/src/index.ts'),
      '@petalpost/web-kit': here('../../libs/web-kit/src/index.ts'),
    },
  },
  build: {
    outDir: here('../../dist/rider'),
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    proxy: {
      '/api': gateway,
      '/config.json': gateway,
      '/ws': { target: gateway.replace(/^http/, 'ws'), ws: true },
    },
  },
});
