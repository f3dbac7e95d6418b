/**
 * Command-line parsing for `mlp-lab`: a command, positional arguments and `--flag value`
 * options, checked against what each command accepts. Mistakes are `UsageError`s (exit 2).
 */

/** A mistake in how the command was called; the CLI prints it with the usage and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** What each option takes: a value, or nothing (a switch). */
export type OptionKinds = Record<string, 'value' | 'switch'>;

/** Parsed command line: positionals and options by name (switches are "true"). */
export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string>;
}

/** Splits argv (after the command) into positionals and the options in `kinds`. */
export function parseArgs(argv: readonly string[], kinds: OptionKinds, command: string): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = (eq >= 0 ? a.slice(0, eq) : a).replace(/^--?/, '');
    const kind = kinds[name];
    if (!kind) throw new UsageError(`${command} has no option ${a.split('=')[0]}`);
    if (kind === 'switch') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      options.set(name, 'true');
    } else {
      const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
      options.set(name, value);
    }
  }
  return { positionals, options };
}

/** The option as a whole number >= min, or undefined when absent. */
export function intOption(args: ParsedArgs, name: string, min: number): number | undefined {
  const v = args.options.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be a whole number >= ${min}, got "${v}"`);
  return n;
}

/** The option as a positive number, or undefined when absent. */
export function positiveOption(args: ParsedArgs, name: string): number | undefined {
  const v = args.options.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(Number.isFinite(n) && n > 0)) throw new UsageError(`--${name} must be a number greater than 0, got "${v}"`);
  return n;
}
