import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';

/** Runs the openssl command line (software nobody here wrote) and returns what it printed, whatever its exit code. */
export function openssl(args: string[], input?: Uint8Array): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile('openssl', args, { encoding: 'utf8', timeout: 20_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
    });
    if (input) child.stdin?.end(Buffer.from(input));
  });
}

/** A scratch folder for certificate files; removed by `dispose`. */
export function scratch() {
  const dir = mkdtempSync(join(tmpdir(), 'kagiya-openssl-'));
  return {
    dir,
    file(name: string, content: Uint8Array | string) {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
    path: (name: string) => join(dir, name),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function pem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}

/**
 * An HTTP server on a free port whose handler is set later: the system must know its own URL (Config.publicUrl, named
 * in certificates) before it exists.
 */
export async function lateBoundServer() {
  let handler: ((request: Request) => Response | Promise<Response>) | null = null;
  let server!: ServerType;
  const url = await new Promise<string>((resolve) => {
    server = serve(
      { fetch: (request: Request) => (handler ? handler(request) : new Response('starting', { status: 503 })), port: 0, hostname: '127.0.0.1' },
      (info: AddressInfo) => resolve(`http://127.0.0.1:${info.port}`),
    );
  });
  return {
    url,
    bind(fetch: (request: Request) => Response | Promise<Response>) {
      handler = fetch;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
