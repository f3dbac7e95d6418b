/**
 * "Compute this again with the newest inputs" for a view whose work runs elsewhere (a view
 * worker): at most one computation in flight; asking while one runs only marks the view dirty,
 * and when the running one is answered the next starts from the inputs as they are then. So a
 * view that cannot keep up with its inputs (weights arriving ten times a second, a slow plane)
 * skips the intermediate states instead of queueing them, and never falls behind. After each
 * computation the next waits `restFactor` times as long as that one took (at most `maxRestMs`):
 * with the default 1 a view worker works at most half the time, leaving the machine's cores to
 * the trainer and the page.
 */

/** One view's job; `make` builds the request from the current inputs, `run` computes it. */
export class LatestJob<Req, Res> {
  private running = false;
  private dirty = false;
  private resting: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly make: () => Req | null,
    private readonly run: (req: Req) => Promise<Res>,
    private readonly done: (res: Res) => void,
    private readonly failed: (error: unknown) => void = () => {},
    private readonly maxRestMs = 250,
    private readonly restFactor = 1,
  ) {}

  /** Asks for a computation with the inputs as they will be when it starts. */
  request(): void {
    this.dirty = true;
    if (!this.running && !this.resting) this.start();
  }

  /** True while a computation is in flight. */
  get busy(): boolean {
    return this.running;
  }

  private start(): void {
    this.dirty = false;
    const req = this.make();
    if (req === null) return;
    this.running = true;
    const t0 = performance.now();
    this.run(req).then(
      (res) => this.settle(t0, () => this.done(res)),
      (e: unknown) => this.settle(t0, () => this.failed(e)),
    );
  }

  private settle(t0: number, report: () => void): void {
    this.running = false;
    // Shown even when newer inputs wait (it is still newer than what is on screen: a view whose
    // inputs always change faster than it computes must not starve), then the newer ones.
    report();
    const rest = Math.min(this.maxRestMs, this.restFactor * (performance.now() - t0));
    this.resting = setTimeout(() => {
      this.resting = null;
      if (this.dirty) this.start();
    }, rest);
  }
}
