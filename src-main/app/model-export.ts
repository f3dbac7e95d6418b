/**
 * The window's ONNX and PyTorch exports (issue 20): the bytes of a run's ONNX model
 * (export/onnx-model.ts) or of the current setup's PyTorch training folder, zipped so one file
 * carries it (export/pytorch-folder.ts), with the file name to offer. lab-app.ts writes them
 * where a dialog says (Electron) or hands them to the page to download (browser).
 */
import { zipSync } from 'fflate';
import type { Dataset } from '../../shared/data/dataset';
import type { CallRequest } from '../../shared/ipc';
import type { LabSpec } from '../../shared/spec';
import type { WeightsFile } from '../../shared/weights-format';
import { onnxModel } from '../export/onnx-model';
import { pytorchFolder } from '../export/pytorch-folder';

/** What an export reads from the open project. */
export interface ModelSource {
  /** The project's name, for file names ("xor-quadrants"). */
  name: string;
  /** MLP Lab's version, written into the ONNX model. */
  version: string;
  /** A run's weights file (its latest weights, names and normalisation). */
  weightsOf(runId: string): WeightsFile;
  /** The current spec and its data (before the split). */
  spec: LabSpec;
  dataset(): Dataset;
}

/** An export's bytes and the file name to offer; `kind` picks the save dialog's filter. */
export interface ModelFile {
  name: string;
  kind: 'onnx' | 'zip';
  bytes: Uint8Array;
}

/** The file a `lab:exportModel` request asks for. */
export function modelFile(request: CallRequest<'lab:exportModel'>, source: ModelSource): ModelFile {
  const stem = source.name.replace(/[^\w.-]+/g, '-') || 'mlp-lab';
  if (request.format === 'onnx') {
    const dtype = request.dtype ?? 'float32';
    const bytes = onnxModel(source.weightsOf(request.runId), { dtype, producerVersion: source.version });
    return { name: `${stem}${dtype === 'float64' ? '-float64' : ''}.onnx`, kind: 'onnx', bytes };
  }
  // The folder inside the zip, so unpacking it makes one folder, as `mlp-lab export` does.
  const folder = `${stem}-pytorch`;
  const files = pytorchFolder(source.spec, source.dataset());
  const bytes = zipSync(Object.fromEntries(files.map((f) => [`${folder}/${f.name}`, f.bytes])), { level: 6 });
  return { name: `${folder}.zip`, kind: 'zip', bytes };
}
