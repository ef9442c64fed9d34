import { fileURLToPath } from 'node:url';
import tailwindcss from 'tailwindcss';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

/** The multi-user execution page: built into libs/http/dist/web-page (shipped in @userscope/http), which the server serves at `/`. */
export default defineConfig({
  root: webRoot,
  base: '/',
  css: { postcss: { plugins: [tailwindcss({ config: fileURLToPath(new URL('./tailwind.config.ts', import.meta.url)) })] } },
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: fileURLToPath(new URL('../libs/http/dist/web-page', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
    rolldownOptions: {
      onwarn(warning, warn) {
        // Radix marks its modules "use client" (for React Server Components); meaningless in a SPA bundle.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  // `npm run web:dev`: the page with hot reload, the API proxied to a server on :8000.
  server: {
    proxy: Object.fromEntries(['/api', '/monitor'].map((path) => [path, 'http://127.0.0.1:8000'])),
  },
});
