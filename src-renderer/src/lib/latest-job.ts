/**
 * "Compute this again with the newest inputs" for a view whose work runs elsewhere (a view
 * worker): at most one computation in flight; asking while one runs only marks the view dirty,
 * and when the running one is answered the next starts from the inputs as they are then. So a
 * view that cannot keep up with its inputs (weights arriving ten times a second, a slow plane)
 * skips the intermediate states instead of queueing them, and never falls behind.
 */

/** One view's job; `make` builds the request from the current inputs, `run` computes it. */
export class LatestJob<Req, Res> {
  private running = false;
  private dirty = false;

  constructor(
    private readonly make: () => Req | null,
    private readonly run: (req: Req) => Promise<Res>,
    private readonly done: (res: Res) => void,
    private readonly failed: (error: unknown) => void = () => {},
  ) {}

  /** Asks for a computation with the inputs as they will be when it starts. */
  request(): void {
    this.dirty = true;
    if (!this.running) this.start();
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
    this.run(req).then(
      (res) => this.settle(() => this.done(res)),
      (e: unknown) => this.settle(() => this.failed(e)),
    );
  }

  private settle(report: () => void): void {
    this.running = false;
    // Shown even when newer inputs wait (it is still newer than what is on screen: a view whose
    // inputs always change faster than it computes must not starve), then the newer ones.
    report();
    if (this.dirty) this.start();
  }
}
