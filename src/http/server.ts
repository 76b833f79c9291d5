import { serve, type ServerType } from '@hono/node-server';
import type { Server } from 'node:http';
import type { Hono } from 'hono';

export interface RunningServer {
  readonly url: string;
  /**
   * Stops accepting connections and resolves once the requests in flight have been answered.
   * Connections still busy after `graceMs` are cut, so a stalled client cannot hold up a shutdown.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * Limits that keep a slow or stalled client from holding a connection: the whole header block
 * within 10 s, the whole request within 30 s, an idle keep-alive connection for 5 s. Node checks
 * them every `checkIntervalMs`, which by default (30 s) would let a stalled client stay far longer.
 */
export interface ServerTimeouts {
  readonly headersMs: number;
  readonly requestMs: number;
  readonly keepAliveMs: number;
  readonly checkIntervalMs: number;
}

export const defaultServerTimeouts: ServerTimeouts = {
  headersMs: 10_000,
  requestMs: 30_000,
  keepAliveMs: 5_000,
  checkIntervalMs: 1_000,
};

/** Listening failed for a reason the operator can fix; the message says how. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
}

export function startHttpServer(
  http: Hono,
  options: { port: number; host: string; name?: string; timeouts?: Partial<ServerTimeouts> },
): Promise<RunningServer> {
  const timeouts = { ...defaultServerTimeouts, ...options.timeouts };
  return new Promise((resolve, reject) => {
    let server: ServerType;
    const onError = (error: NodeJS.ErrnoException) => reject(toListenError(error, options));
    try {
      server = serve(
        {
          fetch: http.fetch,
          port: options.port,
          hostname: options.host,
          serverOptions: {
            headersTimeout: timeouts.headersMs,
            requestTimeout: timeouts.requestMs,
            keepAliveTimeout: timeouts.keepAliveMs,
            connectionsCheckingInterval: timeouts.checkIntervalMs,
          },
        },
        (info) => {
          server.off('error', onError);
          resolve({
            url: `http://${info.address.includes(':') ? `[${info.address}]` : info.address}:${info.port}`,
            close: (closeOptions = {}) => closeGracefully(server as Server, closeOptions.graceMs ?? 8_000),
          });
        },
      );
      server.once('error', onError);
    } catch (error) {
      reject(error);
    }
  });
}

function closeGracefully(server: Server, graceMs: number): Promise<void> {
  return new Promise((done, fail) => {
    const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
    deadline.unref();
    server.close((error) => {
      clearTimeout(deadline);
      if (error) fail(error);
      else done();
    });
    // Idle keep-alive connections hold no request: close them now rather than at their timeout.
    server.closeIdleConnections();
  });
}

function toListenError(error: NodeJS.ErrnoException, where: { port: number; host: string; name?: string }): Error {
  const setting = where.name === 'admin' ? 'ADMIN_PORT' : 'PORT';
  const hostSetting = where.name === 'admin' ? 'ADMIN_HOST' : 'HOST';
  const address = `${where.host}:${where.port}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return new ListenError(
        `cannot listen on ${address}: another program is using port ${where.port} (another latchkey serve?). Stop it, or set ${setting} to a free port.`,
        { cause: error },
      );
    case 'EACCES':
      return new ListenError(
        `cannot listen on ${address}: this user may not open port ${where.port}. Use a port above 1023 (set ${setting}) behind a proxy.`,
        { cause: error },
      );
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new ListenError(
        `cannot listen on ${address}: ${where.host} is not an address of this machine. Fix ${hostSetting} (127.0.0.1 for this machine only, 0.0.0.0 for every interface).`,
        { cause: error },
      );
    default:
      return error;
  }
}
