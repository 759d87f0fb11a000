import { defineConfig } from 'vite';

// Hashed file names under /assets (cached for a year); index.html is served without caching.
export default defineConfig({
  build: { outDir: 'dist', emptyOutDir: true, assetsInlineLimit: 0, modulePreload: { polyfill: false }, target: 'es2020' },
});
