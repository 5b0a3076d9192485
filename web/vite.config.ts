/**
 * The console's build (`npm run build` runs it through scripts/build.mjs; `npx vite --config
 * web/vite.config.ts` serves it with hot reload, calling a platform on :3000).
 * - no inline script in the output: the platform's CSP allows scripts from 'self' only;
 * - one chunk per area (the routes are lazy), plus the libraries they share.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const platform = process.env.CERTBRIDGE_DEV_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Every browser the console supports has <link rel=modulepreload>; the polyfill would be dead code.
    modulePreload: { polyfill: false },
    // Nothing inlined as data: URLs into scripts; small images may be.
    assetsInlineLimit: 4096,
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: Object.fromEntries(['/api', '/oauth', '/.well-known', '/health', '/docs'].map((path) => [path, { target: platform, changeOrigin: false }])),
  },
});
