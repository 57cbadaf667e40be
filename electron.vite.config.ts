import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { buildCsp } from './main/electron/csp';

// `electron-vite dev` only: Vite's React refresh injects an inline script and its HMR client
// opens a WebSocket, which the strict CSP meta tag in renderer/index.html forbids. Builds keep
// the strict policy untouched (a test checks the meta tag equals buildCsp()).
const devCsp = {
  name: 'stillmotion-dev-csp',
  apply: 'serve' as const,
  transformIndexHtml: (html: string) =>
    html.replace(
      /(http-equiv="Content-Security-Policy"\s+content=")[^"]*/,
      `$1${buildCsp({ devServerOrigin: 'http://localhost:*' })}`,
    ),
};

// The project keeps one folder per process (main/, preload/, renderer/) instead of
// electron-vite's default src/, so every entry is named explicitly.
export default defineConfig({
  main: {
    resolve: { tsconfigPaths: true },
    build: {
      // Only the packages listed in "dependencies" (the native modules better-sqlite3 and
      // sharp, which the CLI package installs too) stay external; everything else, p-queue
      // (ESM-only), zod, electron-log and electron-updater among them, is bundled into the
      // CommonJS main bundle.
      externalizeDeps: true,
      outDir: 'out/main',
      rollupOptions: {
        input: { index: resolve(__dirname, 'main/electron/index.ts') },
      },
    },
  },
  preload: {
    resolve: { tsconfigPaths: true },
    build: {
      // A sandboxed preload must be one CommonJS file that requires nothing but
      // 'electron': no chunks, nothing external besides electron.
      externalizeDeps: false,
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs', inlineDynamicImports: true },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    resolve: { tsconfigPaths: true },
    plugins: [react(), devCsp],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      // electron-vite leaves bundles unminified; the renderer is the one users wait on.
      minify: true,
      rollupOptions: {
        input: { index: resolve(__dirname, 'renderer/index.html') },
      },
    },
  },
});
