/**
 * A one-line progress bar for a terminal: redrawn in place on stderr at most ten times a
 * second, so it costs the training loop nothing measurable.
 */

/** Draws `[#####-----]  45%  step 4500/10000  E/N 0.1234  52,000 steps/s` on a TTY stream. */
export class ProgressBar {
  private last = 0;
  private drawn = false;

  constructor(private readonly out: { write(text: string): unknown }, private readonly total: number) {}

  /** Redraws if 100 ms have passed (or `force`). */
  update(step: number, ePerSample: number, stepsPerSecond: number, force = false): void {
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const width = 24;
    const frac = this.total > 0 ? Math.min(1, step / this.total) : 1;
    const fill = Math.round(frac * width);
    const bar = `[${'#'.repeat(fill)}${'-'.repeat(width - fill)}]`;
    const pct = `${Math.floor(frac * 100)}%`.padStart(4);
    const rate = Number.isFinite(stepsPerSecond) ? `${Math.round(stepsPerSecond).toLocaleString('en-US')} steps/s` : '';
    this.out.write(`\r${bar} ${pct}  step ${step}/${this.total}  E/N ${ePerSample.toPrecision(6)}  ${rate}\x1b[K`);
    this.drawn = true;
  }

  /** Ends the line so later output starts on a fresh one. */
  done(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}
