/**
 * `mlp-lab`: the lab without a window. Trains a spec, checks gradients, predicts from exported
 * weights, creates project files, lists their runs, exports their weights (also as ONNX or a PyTorch folder) and
 * imports weights trained elsewhere. Errors a user can cause print one
 * line on stderr (no stack trace) and exit 1; a mistake in the command line prints the usage and
 * exits 2.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isUserError } from '../shared/errors';
import { UsageError } from './cli/args';
import { endQuietlyOnClosedPipe } from './cli/closed-pipe';
import { EXPORT_USAGE, exportWeights } from './cli/export';
import { GRADCHECK_USAGE, gradcheck } from './cli/gradcheck';
import { HESSIAN_USAGE, hessian } from './cli/hessian';
import { IMPORT_WEIGHTS_USAGE, importWeights } from './cli/import-weights';
import { INIT_USAGE, init } from './cli/init';
import type { CliIo } from './cli/io';
import { LAPLACE_USAGE, laplace } from './cli/laplace';
import { PREDICT_USAGE, predict } from './cli/predict';
import { RUNS_USAGE, runs } from './cli/runs';
import { TRAIN_USAGE, train } from './cli/train';

const USAGE = `usage:
  ${TRAIN_USAGE}
  ${GRADCHECK_USAGE}
  ${HESSIAN_USAGE}
  ${LAPLACE_USAGE}
  ${PREDICT_USAGE}
  ${INIT_USAGE}
  ${RUNS_USAGE}
  ${EXPORT_USAGE}
  ${IMPORT_WEIGHTS_USAGE}
  mlp-lab --help | --version

A SPEC is a lab spec JSON file (docs/spec-format.md); a PROJECT file (docs/project-file.md) is
accepted wherever a SPEC is. Weights files are described in docs/weights-format.md.`;

const VERSION = '0.1.0';

/** Runs the CLI on `argv` (without node and script); resolves with the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'train':
        return await train(rest, io);
      case 'gradcheck':
        return gradcheck(rest, io);
      case 'hessian': // PRML §5.4 (issue 19)
        return hessian(rest, io);
      case 'laplace': // PRML §5.7 (issue 19)
        return laplace(rest, io);
      case 'predict':
        return predict(rest, io);
      case 'init':
        return await init(rest, io);
      case 'runs': // issue 16: a project's runs by the numbers the window shows
        return runs(rest, io);
      case 'export':
        return exportWeights(rest, io);
      // issue 20: weights trained elsewhere (PyTorch) into a project's history
      case 'import-weights':
        return importWeights(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      case '--version':
      case '-v':
        io.stdout.write(`mlp-lab ${VERSION}\n`);
        return 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`mlp-lab: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    if (isUserError(e)) {
      // SpecError, CsvError, DataError, WeightsError, InputError, ...: meant for the user.
      io.stderr.write(`mlp-lab: ${e.message}\n`);
      return 1;
    }
    // Anything else is a bug in MLP Lab: say so, with the message but no stack.
    io.stderr.write(`mlp-lab: internal error: ${e instanceof Error ? e.message : String(e)} (please report this)\n`);
    return 1;
  }
}

/**
 * Runs the CLI as the program (bin/mlp-lab.js, or this file run directly): process.argv and the
 * process's output, where a reader that goes away (`| head`) ends the command quietly.
 */
export async function runCliProcess(): Promise<void> {
  endQuietlyOnClosedPipe([process.stdout, process.stderr]);
  process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
}

/** True when this module is the program being run (not imported by a test). */
function isMain(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) await runCliProcess();
