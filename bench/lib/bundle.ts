// Kagiya's bench server as one ESM bundle (esbuild), so start-up does not pay for tsx's on-the-fly transform and
// module-resolution hooks on every one of the ~1,000 modules the server loads (measured: importing kysely,
// @hono/zod-openapi, pkijs and pg costs 1.2 s of CPU through tsx and 0.4 s as plain JavaScript). Packages that read
// files next to their own code (PGlite's wasm, fontkit's tables, pdf-lib) stay external and load from node_modules.
import { build } from 'esbuild';
import { join } from 'node:path';

export async function bundleServer(root: string): Promise<string> {
  const outfile = join(root, 'bench/.build/server.mjs');
  await build({
    entryPoints: [join(root, 'bench/server.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['@electric-sql/pglite', 'pg-native', 'fontkit', 'pdf-lib'],
    // CommonJS packages inside an ESM bundle still call require().
    banner: { js: "import { createRequire as __kagiyaRequire } from 'node:module'; const require = __kagiyaRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  return outfile;
}
