import { Client } from 'pg';

/** The channel `latchkey_append` notifies on commit; the payload names the schema appended to. */
export const appendChannel = 'latchkey_events_appended';

export interface AppendListener {
  close(): Promise<void>;
}

/**
 * Wakes this process's subscribers when any process appends to `schema`. It is only a hint, as
 * subscribers poll anyway: a lost connection is re-established in the background, and the
 * reconnection itself counts as a wake-up because appends made meanwhile went unannounced.
 */
export async function startAppendListener(
  connectionString: string,
  schema: string,
  onAppend: () => void,
  { reconnectDelayMs = 1_000 } = {},
): Promise<AppendListener> {
  let client: Client | null = null;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;

  async function connect(): Promise<void> {
    const next = new Client({ connectionString });
    next.on('notification', (message) => message.payload === schema && onAppend());
    next.on('error', () => lose(next));
    next.on('end', () => lose(next));
    try {
      await next.connect();
      await next.query(`LISTEN ${appendChannel}`);
    } catch (error) {
      await next.end().catch(() => undefined);
      throw error;
    }
    if (closed) await next.end();
    else client = next;
  }

  function lose(lost: Client): void {
    if (client !== lost) return;
    client = null;
    lost.end().catch(() => undefined);
    reconnectLater();
  }

  function reconnectLater(): void {
    if (closed) return;
    retryTimer = setTimeout(() => void connect().then(onAppend, reconnectLater), reconnectDelayMs);
    retryTimer.unref();
  }

  await connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      const current = client;
      client = null;
      await current?.end();
    },
  };
}
