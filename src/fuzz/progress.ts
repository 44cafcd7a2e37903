/**
 * The campaign's progress bar: one line, redrawn in place on a terminal, and nothing at all otherwise (a CI
 * log or a pipe gets only the summary). `progressLine` is pure (counts and elapsed time in, text out), so
 * what the bar says is tested without a terminal; `ProgressBar` only throttles and draws it.
 */

export interface Progress {
  readonly done: number;
  readonly total: number;
  readonly failures: number;
  /** Wall-clock seconds since the campaign started. */
  readonly elapsed: number;
}

/** `[#######-------]  450/1000 seeds  2 failures  38.2 seeds/s  ~14s left` in at most `width` columns. */
export function progressLine(p: Progress, width = 80): string {
  const rate = p.elapsed > 0 ? p.done / p.elapsed : 0;
  const left = rate > 0 ? (p.total - p.done) / rate : Number.NaN;
  const parts = [
    `${p.done}/${p.total} seeds`,
    `${p.failures} ${p.failures === 1 ? 'failure' : 'failures'}`,
    `${rate.toFixed(1)} seeds/s`,
    p.done >= p.total
      ? `${formatSeconds(p.elapsed)}`
      : Number.isFinite(left)
        ? `~${formatSeconds(left)} left`
        : '',
  ].filter((s) => s !== '');
  // On a narrow terminal the last parts go first, whole, rather than a word cut in half.
  while (parts.length > 1 && parts.join('  ').length > width) parts.pop();
  const counts = parts.join('  ');
  const barWidth = Math.max(0, Math.min(30, width - counts.length - 4));
  if (barWidth < 5) return counts.slice(0, width);
  const filled = p.total > 0 ? Math.floor((barWidth * p.done) / p.total) : barWidth;
  return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]  ${counts}`;
}

/** 42s, 3m05s, 1h02m. */
export function formatSeconds(s: number): string {
  const t = Math.max(0, Math.round(s));
  if (t < 60) return `${t}s`;
  if (t < 3600) return `${Math.floor(t / 60)}m${String(t % 60).padStart(2, '0')}s`;
  return `${Math.floor(t / 3600)}h${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}m`;
}

interface Terminal {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

/** Draws the line on a terminal at most ten times a second; does nothing when `out` is not a terminal. */
export class ProgressBar {
  private last = 0;
  private drawn = false;

  constructor(
    private readonly out: Terminal,
    private readonly clock: () => number,
  ) {}

  get active(): boolean {
    return this.out.isTTY === true;
  }

  update(p: Progress, force = false): void {
    if (!this.active) return;
    const now = this.clock();
    if (!force && now - this.last < 100) return;
    this.last = now;
    this.out.write(`\r${progressLine(p, (this.out.columns ?? 80) - 1)}\x1b[K`);
    this.drawn = true;
  }

  /** Ends the bar's line, so that what is printed next starts on a fresh one. */
  done(p: Progress): void {
    if (!this.active) return;
    this.update(p, true);
    if (this.drawn) this.out.write('\n');
  }
}
