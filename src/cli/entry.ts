import { main } from './main.ts';
import { drained } from './output.ts';

// Every file Latchkey creates (stores, read models, secrets, the outbox) is for its owner alone,
// whatever umask the shell or service manager hands over: SQLite creates its files with the
// process's umask, so this is the one place that covers them all.
process.umask(0o077);

// A reader that goes away must not turn into a stack trace; stdout's own writer notices it too.
process.stderr.on('error', () => undefined);

const code = await main(process.argv.slice(2));
// Exit only once everything printed has reached the pipe: exiting earlier cuts exports short.
await Promise.all([drained(process.stdout), drained(process.stderr)]);
process.exit(code);
