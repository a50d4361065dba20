import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The counter console: built to web/dist and served by the Hono app under /counter/ (src/adapters/http/create-app.ts).
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/counter/',
  publicDir: here('public'),
  // Vite's own JSX transform (oxc): no React plugin needed for a production build.
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  resolve: {
    // The pure domain rules (document kinds, slot names, the policy's words) are shared with the server, so the
    // checklist and the guidance page cannot drift apart.
    alias: { '@domain': here('../src/domain') },
  },
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
