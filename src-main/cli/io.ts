/** Where a CLI command writes: process.stdout and process.stderr, or test doubles. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}
