import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
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

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"\n]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

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

  it('reads process.env only in config.ts', () => {
    for (const file of sources(root)) {
      if (file.endsWith('config.ts')) continue;
      expect(readFileSync(file, 'utf8').includes('process.env'), relative(root, file)).toBe(false);
    }
  });
});
