import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react-swc';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The rider's app is served by the gateway at /rider from dist/rider; in development `vite`
// proxies the API and the stream to a running gateway (npm start), so the phone sees one origin.
const gateway = process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080';
const THEME = '#7a1f3d';

export default defineConfig({
  root: here('.'),
  base: '/rider/',
  plugins: [
    react(),
    // Installable from a link: the manifest, and a service worker that keeps the app's shell (its
    // page, scripts, styles, icons) so the app opens in a tunnel. Data never comes from this cache:
    // the API and the stream always go to the network, and what a rider does waits in the outbox.
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: false,
      includeAssets: ['icons/icon.svg', 'icons/apple-touch-icon-180.png'],
      manifest: {
        id: '/rider/',
        name: 'Petalpost 骑手 · Petalpost Rider',
        short_name: '骑手 Rider',
        description: '花店配送骑手：今天的路线、取件、送达、异常与聊天。The flower shop rider’s day: run, pickup, delivery, exceptions and chat.',
        lang: 'zh-CN',
        start_url: '/rider/',
        scope: '/rider/',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: THEME,
        background_color: '#ffffff',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        // A deep link (/rider/stops/…) opened offline is the app's page; its router does the rest.
        navigateFallback: '/rider/index.html',
        navigateFallbackAllowlist: [/^\/rider(\/|$)/],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
        // A tap on a mention's system notification opens (or focuses) the app at the chat.
        importScripts: ['notification-click.js'],
      },
    }),
  ],
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
