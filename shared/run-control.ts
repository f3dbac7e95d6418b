/**
 * The control block of one run: a small SharedArrayBuffer through which main steers a training
 * loop that is busy in a worker thread.
 *
 * Why shared memory and not messages: a worker in its training loop does not read messages until
 * the loop yields, which for a long run is never. So stop, pause, single steps, the learning rate
 * and the speed limit are written here by main and read by the loop between steps (and, for stop
 * and reset, between chunks of a step), through Atomics so a write is seen at once; a paused loop
 * sleeps in Atomics.wait on the wake counter and main wakes it. Every write from main bumps the
 * wake counter, so a sleeping loop never misses one.
 *
 * Layout: five Int32 slots (command, step budget, wake, settings version, steps per second), then
 * one Float64 (the learning rate), read only after the settings version changes.
 */

/**
 * What main wants the loop to do. STOP ends the run with its figures measured on its final
 * weights (a pass over the data: a second on an MNIST-sized set); END ends it without that pass,
 * for a run nobody will look at again (deleted, its project closed, the app quitting).
 */
export const COMMAND = { RUN: 0, PAUSE: 1, STOP: 2, RESET: 3, END: 4 } as const;
/** One of COMMAND's values. */
export type Command = (typeof COMMAND)[keyof typeof COMMAND];

/** Int32 slot indices. */
const SLOT = { COMMAND: 0, STEP_BUDGET: 1, WAKE: 2, SETTINGS: 3, MAX_STEPS_PER_SECOND: 4 } as const;
/** Bytes of Int32 slots before the Float64 one (a multiple of 8). */
const INT_BYTES = 32;
const BYTES = INT_BYTES + 8;

/** One run's control block, as either side sees it; wrap the same buffer on both sides. */
export class RunControl {
  /** The shared memory itself: post it to the worker, which wraps it in its own RunControl. */
  readonly buffer: SharedArrayBuffer;
  private readonly ints: Int32Array;
  private readonly floats: Float64Array;

  /** Wraps `buffer`, or a new block (running, no step budget, no speed limit). */
  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(BYTES)) {
    if (buffer.byteLength < BYTES) throw new RangeError(`a control block needs ${BYTES} bytes, got ${buffer.byteLength}`);
    this.buffer = buffer;
    this.ints = new Int32Array(buffer, 0, INT_BYTES / 4);
    this.floats = new Float64Array(buffer, INT_BYTES, 1);
  }

  /** A new block for a run starting with learning rate `eta`, paused when asked. */
  static create(eta: number, paused = false): RunControl {
    const c = new RunControl();
    c.floats[0] = eta;
    if (paused) Atomics.store(c.ints, SLOT.COMMAND, COMMAND.PAUSE);
    return c;
  }

  private wake(): void {
    Atomics.add(this.ints, SLOT.WAKE, 1);
    Atomics.notify(this.ints, SLOT.WAKE);
  }

  // -- main's side --------------------------------------------------------------------------

  /** Asks the loop to run, pause, stop or reset. */
  send(command: Command): void {
    Atomics.store(this.ints, SLOT.COMMAND, command);
    this.wake();
  }

  /** Lets a paused loop take `count` more steps (pausing it first if it runs). */
  grantSteps(count: number): void {
    if (Atomics.load(this.ints, SLOT.COMMAND) !== COMMAND.PAUSE) Atomics.store(this.ints, SLOT.COMMAND, COMMAND.PAUSE);
    Atomics.add(this.ints, SLOT.STEP_BUDGET, Math.max(1, Math.floor(count)));
    this.wake();
  }

  /** The learning rate from the loop's next step on. */
  setLearningRate(eta: number): void {
    this.floats[0] = eta;
    Atomics.add(this.ints, SLOT.SETTINGS, 1);
    this.wake();
  }

  /** At most `stepsPerSecond` steps a second (0: as fast as it goes). */
  setSpeed(stepsPerSecond: number): void {
    Atomics.store(this.ints, SLOT.MAX_STEPS_PER_SECOND, Math.max(0, Math.round(stepsPerSecond)));
    Atomics.add(this.ints, SLOT.SETTINGS, 1);
    this.wake();
  }

  // -- the loop's side ----------------------------------------------------------------------

  /** What main wants now. */
  get command(): Command {
    return Atomics.load(this.ints, SLOT.COMMAND) as Command;
  }

  /** True when main asked to stop, end or reset: a step in progress may be abandoned. */
  get interrupted(): boolean {
    const c = this.command;
    return c === COMMAND.STOP || c === COMMAND.END || c === COMMAND.RESET;
  }

  /** Changes the command from `from` to `to` only if it is still `from` (main may have changed it). */
  replaceCommand(from: Command, to: Command): void {
    Atomics.compareExchange(this.ints, SLOT.COMMAND, from, to);
  }

  /** Takes one step from the budget granted while paused; false when there is none. */
  takeStep(): boolean {
    for (;;) {
      const left = Atomics.load(this.ints, SLOT.STEP_BUDGET);
      if (left <= 0) return false;
      if (Atomics.compareExchange(this.ints, SLOT.STEP_BUDGET, left, left - 1) === left) return true;
    }
  }

  /** True when steps were granted and not taken yet. */
  get hasSteps(): boolean {
    return Atomics.load(this.ints, SLOT.STEP_BUDGET) > 0;
  }

  /** Forgets any steps granted (after a reset). */
  clearSteps(): void {
    Atomics.store(this.ints, SLOT.STEP_BUDGET, 0);
  }

  /** Changes every time main changes a setting: compare with the last value seen. */
  get settingsVersion(): number {
    return Atomics.load(this.ints, SLOT.SETTINGS);
  }

  /** The learning rate main set last. */
  get learningRate(): number {
    return this.floats[0];
  }

  /** The speed limit main set last (steps per second; 0 = none). */
  get maxStepsPerSecond(): number {
    return Atomics.load(this.ints, SLOT.MAX_STEPS_PER_SECOND);
  }

  /** The wake counter now, to wait on (read it before checking what to do, then wait). */
  get wakeCount(): number {
    return Atomics.load(this.ints, SLOT.WAKE);
  }

  /** Sleeps until main writes anything after `seen` was read, or `ms` pass. */
  sleep(seen: number, ms: number): void {
    Atomics.wait(this.ints, SLOT.WAKE, seen, ms);
  }
}
