import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { errorBody, HTTP_STATUS } from './error-response.js';
import { MAX_HEADER_BYTES } from './body-limits.js';

type FetchApp = { fetch: (request: Request, ...rest: any[]) => Response | Promise<Response> };

/** A request Node refused before Hono saw it (headers too large, a malformed request line), answered in JSON. */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket) {
  if (!socket.writable) return socket.destroy();
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const code = tooLarge ? 'HEADERS_TOO_LARGE' : 'INVALID_REQUEST';
  const body = JSON.stringify(errorBody(code, tooLarge ? { limit: MAX_HEADER_BYTES } : { field: 'request' }, 'ja'));
  const status = HTTP_STATUS[code];
  const reason = tooLarge ? 'Request Header Fields Too Large' : 'Bad Request';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Kagiya's HTTP listener: request heads above MAX_HEADER_BYTES are answered 431 with a JSON body (Node's own
 * answer has none), slow clients are cut off, and bodies are limited per route by the edge guard.
 */
export function startHttpServer(app: FetchApp, options: { port: number; hostname: string }, onListen: (info: AddressInfo) => void): ServerType {
  const server = serve(
    {
      fetch: app.fetch,
      port: options.port,
      hostname: options.hostname,
      serverOptions: { maxHeaderSize: MAX_HEADER_BYTES, requestTimeout: 30_000, headersTimeout: 10_000 },
    },
    onListen,
  );
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => answerClientError(error, socket));
  return server;
}
