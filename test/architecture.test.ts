import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// DESIGN.md dependency direction: domain ← app ← adapters ← main. Checked on the import text.
const root = join(import.meta.dirname, '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

/**
 * Every module a source names, read by TypeScript's own pre-processor rather than a regular expression: `import x
 * from`, `import 'x'` (side effect), `export … from`, `import('x')`, `import x = require('x')` and `require('x')`.
 */
function importsOf(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}
const imports = (file: string) => importsOf(readFileSync(file, 'utf8'));

describe('the import reader', () => {
  it('sees every form of import, so the rules below cannot be slipped past', () => {
    const text = [
      "import a from './a.js';",
      "import './side-effect.js';",
      "import type { T } from './type.js';",
      "export * from './re-export.js';",
      "export { x } from './named.js';",
      "const lazy = await import('./dynamic.js');",
      "import legacy = require('./equals.js');",
      "const cjs = require('./require.js');",
      "import {\n  b,\n  c,\n} from './multi-line.js';",
    ].join('\n');
    expect(importsOf(text).sort()).toEqual(
      ['./a.js', './side-effect.js', './type.js', './re-export.js', './named.js', './dynamic.js', './equals.js', './require.js', './multi-line.js'].sort(),
    );
  });
});

/** The top folder under src/ a relative import resolves to (subfolders allowed); 'package' for node: and npm imports. */
function layerOf(file: string, spec: string): string {
  if (!spec.startsWith('.')) return 'package';
  const target = relative(root, resolve(dirname(file), spec));
  return target.startsWith('..') ? 'outside' : target.split(sep)[0]!;
}

describe('dependency direction', () => {
  it('keeps domain pure: it imports only domain modules, no node: or npm packages', () => {
    for (const file of sources(join(root, 'domain'))) {
      for (const spec of imports(file)) {
        expect(layerOf(file, spec), `${relative(root, file)} imports ${spec}`).toBe('domain');
      }
    }
  });

  it('lets app import only domain and app modules', () => {
    for (const file of sources(join(root, 'app'))) {
      for (const spec of imports(file)) {
        expect(['domain', 'app'], `${relative(root, file)} imports ${spec}`).toContain(layerOf(file, spec));
      }
    }
  });

  it('keeps adapters from importing main or the composition root', () => {
    for (const file of sources(join(root, 'adapters'))) {
      for (const spec of imports(file)) {
        expect(/(^|\/)(main|system)\.js$/.test(spec), `${relative(root, file)} imports ${spec}`).toBe(false);
      }
    }
  });

  it('reads process.env only in src/config.ts', () => {
    for (const file of sources(root)) {
      if (file === join(root, 'config.ts')) continue;
      expect(/process\s*(\.|\[\s*['"])env/.test(readFileSync(file, 'utf8')), relative(root, file)).toBe(false);
    }
  });

  it('checks the sources it should (the rules above are not vacuous)', () => {
    expect(sources(join(root, 'domain')).length).toBeGreaterThan(10);
    expect(sources(join(root, 'app')).length).toBeGreaterThan(10);
    expect(sources(join(root, 'adapters')).length).toBeGreaterThan(10);
    expect(sources(join(root, 'domain')).flatMap(imports).length).toBeGreaterThan(10);
  });
});
