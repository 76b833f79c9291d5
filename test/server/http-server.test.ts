import { once } from 'node:events';
import { connect } from 'node:net';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { defaultServerTimeouts, startHttpServer } from '../../src/http/server.ts';

describe('the HTTP server', () => {
  it('defaults keep a stalled client to seconds, not minutes', () => {
    expect(defaultServerTimeouts).toEqual({
      headersMs: 10_000,
      requestMs: 30_000,
      keepAliveMs: 5_000,
      checkIntervalMs: 1_000,
    });
  });

  it('cuts a client that never finishes its headers, and still serves others', async () => {
    const http = new Hono().get('/', (c) => c.text('hello'));
    const server = await startHttpServer(http, {
      port: 0,
      host: '127.0.0.1',
      timeouts: { headersMs: 300, requestMs: 600, checkIntervalMs: 100 },
    });
    try {
      const port = Number(new URL(server.url).port);
      const stalled = connect(port, '127.0.0.1');
      let answer = '';
      stalled.on('data', (chunk) => (answer += chunk));
      stalled.write('GET / HTTP/1.1\r\nHost: x\r\n'); // and never the blank line that ends the headers
      expect((await fetch(`${server.url}/`)).status).toBe(200);
      await once(stalled, 'close');
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      await server.close();
    }
  });

  it('a port in use is refused with what to do', async () => {
    const http = new Hono();
    const first = await startHttpServer(http, { port: 0, host: '127.0.0.1' });
    try {
      const port = Number(new URL(first.url).port);
      await expect(startHttpServer(http, { port, host: '127.0.0.1' })).rejects.toThrow(
        `cannot listen on 127.0.0.1:${port}: another program is using port ${port} (another latchkey serve?). Stop it, or set PORT to a free port.`,
      );
    } finally {
      await first.close();
    }
  });
});
