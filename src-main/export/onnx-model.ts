/**
 * A weights file as an ONNX model (https://onnx.ai), so a network trained in the lab can be
 * served by ONNX Runtime or any other ONNX engine. The protobuf is written by protobufjs through
 * the `onnx-proto` package's ONNX schema (IR version 8), not by hand.
 *
 * The graph takes the raw input columns, as `mlp-lab predict` does, and computes exactly what
 * `predictFromWeights` (shared/weights-format.ts) computes:
 *
 *     x [N, D]  --Sub mean, Div std-->  (only when the weights carry a normalisation)
 *               --MatMul W1, Add b1, Tanh|Sigmoid|Relu-->  ...  (every hidden layer, PRML (5.2)-(5.3))
 *               --MatMul WL, Add bL-->  logits a
 *               --the cost's output function-->
 *                   sum-of-squares          y = a               [N, K]
 *                   sigmoid-cross-entropy   y = sigmoid(a)      [N, K]   PRML (5.21)
 *                   softmax-cross-entropy   y = softmax(a)      [N, K]   PRML (5.25)
 *                   mixture-density         pi = softmax(a_pi)  [N, K]   PRML (5.150)
 *                                           mu = a_mu           [N, K, D] PRML (5.152)
 *                                           sigma = exp(a_sigma)[N, K]   PRML (5.151)
 *
 * For a mixture the last layer's columns are split into its three heads (mdn.ts's layout:
 * K mixing logits, K*D means component by component, K log standard deviations), each its own
 * MatMul: the same dot products, so the same numbers, and no Slice in the graph.
 *
 * The input and output column names, the cost, class labels and this format's version go into
 * the model's metadata (`metadata_props`), each value a string (JSON for lists).
 */
import onnxProto from 'onnx-proto';
import { networkFromWeights, type WeightsFile } from '../../shared/weights-format';

const { onnx } = onnxProto;

/** The element type of the model's tensors: float32 (what serving runtimes expect) or float64. */
export type OnnxDtype = 'float32' | 'float64';
/** The element types `--dtype` accepts. */
export const ONNX_DTYPES: readonly OnnxDtype[] = ['float32', 'float64'];

/** The version of this graph layout and metadata, written as metadata "mlp_lab_onnx_version". */
export const ONNX_EXPORT_VERSION = 1;
/** ONNX IR version written (8: ONNX 1.10+, ONNX Runtime 1.10+). */
export const ONNX_IR_VERSION = 8;
/** The default-domain operator set the graph uses: 13 has Softmax over one axis. */
export const ONNX_OPSET = 13;

/** The name of the graph's input: the raw input columns, N x D. */
export const ONNX_INPUT = 'x';

/** Options of `onnxModel`. */
export interface OnnxOptions {
  dtype?: OnnxDtype;
  /** Written as the model's producer_version ("0.1.0"). */
  producerVersion?: string;
}

type Tensor = InstanceType<typeof onnx.TensorProto>;
type Node = InstanceType<typeof onnx.NodeProto>;

/** The ONNX model (serialised ModelProto bytes) computing the weights file's predictions. */
export function onnxModel(file: WeightsFile, options: OnnxOptions = {}): Uint8Array {
  const dtype = options.dtype ?? 'float32';
  const elem = dtype === 'float32' ? onnx.TensorProto.DataType.FLOAT : onnx.TensorProto.DataType.DOUBLE;
  const net = networkFromWeights(file); // validates the shapes once more
  const D = file.inputs.length;
  const initializers: Tensor[] = [];
  const nodes: Node[] = [];
  const constant = (name: string, dims: number[], values: ArrayLike<number>) => {
    initializers.push(tensor(name, dims, values, dtype));
    return name;
  };
  const op = (type: string, inputs: string[], output: string, attributes: InstanceType<typeof onnx.AttributeProto>[] = []) => {
    nodes.push(onnx.NodeProto.create({ opType: type, input: inputs, output: [output], name: output, attribute: attributes }));
    return output;
  };

  let h = ONNX_INPUT;
  if (file.normalization) {
    // (x - mean) / std, as predictFromWeights: a subtraction and a division, not a multiply by 1/std.
    h = op('Sub', [h, constant('normalization.mean', [D], file.normalization.mean)], 'centred');
    h = op('Div', [h, constant('normalization.std', [D], file.normalization.std)], 'normalized');
  }
  const L = net.layers.length;
  for (let l = 0; l < L - 1; l++) {
    const layer = net.layers[l];
    const p = `layer${l + 1}`;
    h = op('MatMul', [h, constant(`${p}.weights`, [layer.inputs, layer.units], layer.weights)], `${p}.product`);
    h = op('Add', [h, constant(`${p}.bias`, [layer.units], layer.bias)], `${p}.a`);
    const act = ACTIVATION_OPS[layer.activation.name];
    if (act) h = op(act, [h], `${p}.z`);
  }
  const last = net.layers[L - 1];
  const p = `layer${L}`;
  /** The logits of output columns [from, to) of the last layer. */
  const head = (name: string, from: number, to: number): string => {
    const w = new Float64Array(last.inputs * (to - from));
    for (let i = 0; i < last.inputs; i++) w.set(last.weights.subarray(i * last.units + from, i * last.units + to), i * (to - from));
    const prod = op('MatMul', [h, constant(`${p}.${name}.weights`, [last.inputs, to - from], w)], `${p}.${name}.product`);
    return op('Add', [prod, constant(`${p}.${name}.bias`, [to - from], last.bias.subarray(from, to))], `${p}.${name}.a`);
  };
  const softmax = (input: string, output: string) => op('Softmax', [input], output, [intAttribute('axis', 1)]);

  const N = 'N';
  let outputs: InstanceType<typeof onnx.ValueInfoProto>[];
  if (file.cost === 'mixture-density') {
    const K = file.components ?? 1;
    const T = file.outputs.length;
    softmax(head('mixing', 0, K), 'pi');
    const mu = head('means', K, K + K * T);
    initializers.push(int64Tensor('means.shape', [3], [-1, K, T]));
    op('Reshape', [mu, 'means.shape'], 'mu');
    op('Exp', [head('log_sigma', K + K * T, K * (T + 2))], 'sigma');
    outputs = [valueInfo('pi', elem, [N, K]), valueInfo('mu', elem, [N, K, T]), valueInfo('sigma', elem, [N, K])];
  } else {
    const K = last.units;
    const a = head('output', 0, K);
    if (file.cost === 'sigmoid-cross-entropy') op('Sigmoid', [a], 'y');
    else if (file.cost === 'softmax-cross-entropy') softmax(a, 'y');
    else op('Identity', [a], 'y');
    outputs = [valueInfo('y', elem, [N, K])];
  }

  const graph = onnx.GraphProto.create({
    name: 'mlp_lab_network',
    docString: graphDoc(file),
    node: nodes,
    initializer: initializers,
    input: [valueInfo(ONNX_INPUT, elem, [N, D])],
    output: outputs,
  });
  const model = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: ONNX_OPSET })],
    producerName: 'mlp-lab',
    producerVersion: options.producerVersion ?? '',
    docString: 'A multilayer perceptron exported from MLP Lab (PRML chapter 5).',
    graph,
    metadataProps: Object.entries(onnxMetadata(file, dtype)).map(([key, value]) => onnx.StringStringEntryProto.create({ key, value })),
  });
  // protobufjs hands back a Node Buffer under Node; a plain Uint8Array view of it crosses the IPC
  // wire as bytes (a Buffer would serialise itself as JSON).
  const bytes = onnx.ModelProto.encode(model).finish();
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The metadata the model carries: key -> string value (lists as JSON). */
export function onnxMetadata(file: WeightsFile, dtype: OnnxDtype): Record<string, string> {
  const mixture = file.cost === 'mixture-density';
  return {
    mlp_lab_onnx_version: String(ONNX_EXPORT_VERSION),
    inputs: JSON.stringify(file.inputs),
    outputs: JSON.stringify(file.outputs),
    cost: file.cost,
    output_function: { 'sum-of-squares': 'identity', 'sigmoid-cross-entropy': 'sigmoid', 'softmax-cross-entropy': 'softmax', 'mixture-density': 'mixture' }[file.cost],
    ...(mixture ? { components: String(file.components ?? 1) } : {}),
    ...(file.classLabels ? { class_labels: JSON.stringify(file.classLabels) } : {}),
    normalization: file.normalization ? 'in the graph: (x - mean) / std' : 'none',
    dtype,
  };
}

/** Hidden activations and their ONNX operators (linear has none). */
const ACTIVATION_OPS: Record<string, string | null> = { linear: null, tanh: 'Tanh', sigmoid: 'Sigmoid', relu: 'Relu' };

function graphDoc(file: WeightsFile): string {
  const layers = file.layers.map((l) => `${l.bias.length} ${l.activation}`).join(' -> ');
  const outs = file.cost === 'mixture-density'
    ? `pi [N, K], mu [N, K, ${file.outputs.length}], sigma [N, K] of a ${file.components}-component mixture over ${file.outputs.join(', ')}`
    : `y [N, ${file.outputs.length}]: ${file.outputs.join(', ')}`;
  return `x [N, ${file.inputs.length}]: ${file.inputs.join(', ')} (raw values${file.normalization ? '; normalised inside the graph' : ''}) -> ${layers} -> ${file.cost} -> ${outs}`;
}

/** A tensor of `dtype` with the values as little-endian raw data. */
function tensor(name: string, dims: number[], values: ArrayLike<number>, dtype: OnnxDtype): Tensor {
  const size = dtype === 'float32' ? 4 : 8;
  const raw = new Uint8Array(values.length * size);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) {
    if (dtype === 'float32') view.setFloat32(i * 4, values[i], true);
    else view.setFloat64(i * 8, values[i], true);
  }
  const dataType = dtype === 'float32' ? onnx.TensorProto.DataType.FLOAT : onnx.TensorProto.DataType.DOUBLE;
  return onnx.TensorProto.create({ name, dims, dataType, rawData: raw });
}

function int64Tensor(name: string, dims: number[], values: number[]): Tensor {
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.INT64, rawData: raw });
}

function intAttribute(name: string, value: number): InstanceType<typeof onnx.AttributeProto> {
  return onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INT, i: value });
}

/** A tensor's name, element type and shape; a string dimension is symbolic (the batch N). */
function valueInfo(name: string, elemType: number, shape: (number | string)[]): InstanceType<typeof onnx.ValueInfoProto> {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType,
        shape: onnx.TensorShapeProto.create({
          dim: shape.map((d) => onnx.TensorShapeProto.Dimension.create(typeof d === 'string' ? { dimParam: d } : { dimValue: d })),
        }),
      }),
    }),
  });
}
