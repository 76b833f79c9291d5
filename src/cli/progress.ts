import cliProgress from 'cli-progress';

/**
 * A progress bar on stderr when it is a terminal; plain occasional lines otherwise (CI, pipes).
 * With `rateUnit`, both also show the rate so far and the time left at that rate.
 */
export interface Progress {
  update(done: number): void;
  stop(): void;
}

export function createProgress(label: string, total: number, options: { rateUnit?: string } = {}): Progress {
  const started = performance.now();
  const rateAndEta = (done: number) => {
    const perSecond = done / Math.max((performance.now() - started) / 1000, 0.001);
    const secondsLeft = perSecond > 0 ? Math.round((total - done) / perSecond) : 0;
    return `${Math.round(perSecond)} ${options.rateUnit}/s, ETA ${formatSeconds(secondsLeft)}`;
  };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: options.rateUnit
          ? `${label} [{bar}] {percentage}% | {value}/{total} | {rateAndEta}`
          : `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}`,
        stream: process.stderr,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { rateAndEta: '' });
    return { update: (done: number) => bar.update(done, { rateAndEta: rateAndEta(done) }), stop: () => bar.stop() };
  }
  let lastReported = -1;
  return {
    update(done: number) {
      const step = Math.max(1, Math.ceil(total / 10));
      if (done === total || Math.floor(done / step) !== Math.floor(lastReported / step)) {
        const rate = options.rateUnit ? ` (${rateAndEta(done)})` : '';
        process.stderr.write(`${label}: ${done}/${total}${rate}\n`);
      }
      lastReported = done;
    },
    stop: () => undefined,
  };
}

function formatSeconds(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${String(seconds % 60).padStart(2, '0')}`;
}
