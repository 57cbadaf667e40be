import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// The project keeps one folder per process (main/, preload/, renderer/) instead of
// electron-vite's default src/, so every entry is named explicitly.
export default defineConfig({
  main: {
    build: {
      // Only the packages listed in "dependencies" (native or file-loading ones:
      // better-sqlite3, sharp, electron-log) stay external; everything else, p-queue
      // (ESM-only) and zod among them, is bundled into the CommonJS main bundle.
      externalizeDeps: true,
      outDir: 'out/main',
      rollupOptions: {
        input: { index: resolve(__dirname, 'main/electron/index.ts') },
      },
    },
  },
  preload: {
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
    plugins: [react()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: {
        input: { index: resolve(__dirname, 'renderer/index.html') },
      },
    },
  },
});
