/**
 * `mlp-lab predict … | head`, `mlp-lab train --json | head`: when the reader of our output goes
 * away, the next write fails with EPIPE (EOF on Windows), which Node raises as an unhandled
 * 'error' event, a stack trace. A command-line tool should end quietly instead, as `cat` and
 * `seq` do (killed by SIGPIPE, which Node ignores, so it has to be done by hand): nothing is
 * printed, runs and worker threads end with the process, and the exit code is 141 (128 +
 * SIGPIPE), what a shell reports for those tools. A `train --save` whose output was cut off this
 * way therefore does not save, as if it had been interrupted.
 */

/** The exit code after a closed pipe: 128 + SIGPIPE (13). */
export const CLOSED_PIPE_EXIT = 141;

/** The errors a write to a pipe nobody reads any more fails with. */
function isClosedPipe(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return code === 'EPIPE' || code === 'EOF' || code === 'ERR_STREAM_DESTROYED';
}

/** A stream the CLI writes to (process.stdout, process.stderr). */
interface Output {
  on(event: 'error', listener: (e: Error) => void): unknown;
}

/**
 * Makes a closed pipe on any of `outputs` end the process quietly with CLOSED_PIPE_EXIT; any
 * other write error is thrown as before. `exit` is process.exit except in tests.
 */
export function endQuietlyOnClosedPipe(outputs: readonly Output[], exit: (code: number) => void = (code) => process.exit(code)): void {
  for (const out of outputs) {
    out.on('error', (e) => {
      if (!isClosedPipe(e)) throw e;
      exit(CLOSED_PIPE_EXIT);
    });
  }
}
