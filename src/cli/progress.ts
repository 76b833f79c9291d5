import cliProgress from 'cli-progress';

/** A progress bar on stderr when it is a terminal; plain occasional lines otherwise (CI, pipes). */
export interface Progress {
  update(done: number): void;
  stop(): void;
}

export function createProgress(label: string, total: number): Progress {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}`,
        stream: process.stderr,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return { update: (done: number) => bar.update(done), stop: () => bar.stop() };
  }
  let lastReported = -1;
  return {
    update(done: number) {
      const step = Math.max(1, Math.ceil(total / 10));
      if (done === total || Math.floor(done / step) !== Math.floor(lastReported / step)) {
        process.stderr.write(`${label}: ${done}/${total}\n`);
      }
      lastReported = done;
    },
    stop: () => undefined,
  };
}
