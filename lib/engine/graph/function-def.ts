/**
 * TensorFlow's FunctionDef protocol buffer, as far as a model's forward pass needs it, encoded with
 * protobufjs from a schema of the fields we write (field numbers as in TensorFlow's function.proto,
 * op_def.proto, node_def.proto, attr_value.proto, tensor.proto and tensor_shape.proto).
 */
import * as protobuf from 'protobufjs/light';

/** TensorFlow's DataType values we use. */
export const DT_FLOAT = 1;
export const DT_INT32 = 3;
export const DT_BOOL = 10;
export const DT_RESOURCE = 20;

/** One attribute value of a node, in the shape of TensorFlow's AttrValue (one member set). */
export type AttrValue =
  | { s: string }
  | { i: number }
  | { f: number }
  | { b: boolean }
  | { type: number }
  | { list: { i?: number[]; s?: string[]; type?: number[] } }
  | { tensor: { dtype: number; shape: number[]; int32?: number[]; float?: number[] } };

/** One node of the function body. Inputs name function arguments or `node:outputArg:index`. */
export interface FunctionNode {
  name: string;
  op: string;
  input: string[];
  attr: Record<string, AttrValue>;
}

/** A function returning float tensors. */
export interface FunctionSpec {
  name: string;
  /** Argument names; float tensors unless `resources` names them. */
  inputs: string[];
  /** Arguments that are resource handles (TensorFlow variables). */
  resources?: string[];
  /** Output name to the node output it returns (`node:outputArg:index`). */
  outputs: Record<string, string>;
  nodes: FunctionNode[];
}

const repeated = (type: string, id: number) => ({ rule: 'repeated', type, id });

const SCHEMA = {
  nested: {
    tensorflow: {
      nested: {
        FunctionDef: {
          fields: {
            signature: { type: 'OpDef', id: 1 },
            nodeDef: repeated('NodeDef', 3),
            ret: { keyType: 'string', type: 'string', id: 4 },
          },
        },
        OpDef: { fields: { name: { type: 'string', id: 1 }, inputArg: repeated('ArgDef', 2), outputArg: repeated('ArgDef', 3) } },
        ArgDef: { fields: { name: { type: 'string', id: 1 }, type: { type: 'int32', id: 3 } } },
        NodeDef: {
          fields: {
            name: { type: 'string', id: 1 },
            op: { type: 'string', id: 2 },
            input: repeated('string', 3),
            attr: { keyType: 'string', type: 'AttrValue', id: 5 },
          },
        },
        AttrValue: {
          oneofs: { value: { oneof: ['list', 's', 'i', 'f', 'b', 'type', 'tensor'] } },
          fields: {
            list: { type: 'ListValue', id: 1 },
            s: { type: 'bytes', id: 2 },
            i: { type: 'int64', id: 3 },
            f: { type: 'float', id: 4 },
            b: { type: 'bool', id: 5 },
            type: { type: 'int32', id: 6 },
            tensor: { type: 'TensorProto', id: 8 },
          },
        },
        ListValue: { fields: { s: repeated('bytes', 2), i: repeated('int64', 3), type: repeated('int32', 6) } },
        TensorShapeProto: {
          fields: { dim: repeated('Dim', 2) },
          nested: { Dim: { fields: { size: { type: 'int64', id: 1 } } } },
        },
        TensorProto: {
          fields: { dtype: { type: 'int32', id: 1 }, tensorShape: { type: 'TensorShapeProto', id: 2 }, floatVal: repeated('float', 5), intVal: repeated('int32', 7) },
        },
      },
    },
  },
};

let functionDefType: protobuf.Type | undefined;

function functionDef(): protobuf.Type {
  functionDefType ??= protobuf.Root.fromJSON(SCHEMA).lookupType('tensorflow.FunctionDef');
  return functionDefType;
}

function attrMessage(value: AttrValue): Record<string, unknown> {
  if ('s' in value) return { s: Buffer.from(value.s, 'utf8') };
  if ('list' in value) return { list: { ...value.list, s: value.list.s?.map((s) => Buffer.from(s, 'utf8')) } };
  if ('tensor' in value) {
    const t = value.tensor;
    return { tensor: { dtype: t.dtype, tensorShape: { dim: t.shape.map((size) => ({ size })) }, intVal: t.int32, floatVal: t.float } };
  }
  return value;
}

/** The serialized FunctionDef of `spec`, for TFE_ContextAddFunctionDef. */
export function encodeFunctionDef(spec: FunctionSpec): Uint8Array {
  const type = functionDef();
  const resources = new Set(spec.resources ?? []);
  const arg = (name: string) => ({ name, type: resources.has(name) ? DT_RESOURCE : DT_FLOAT });
  const message = {
    signature: { name: spec.name, inputArg: spec.inputs.map(arg), outputArg: Object.keys(spec.outputs).map(arg) },
    nodeDef: spec.nodes.map((n) => ({
      name: n.name,
      op: n.op,
      input: n.input,
      attr: Object.fromEntries(Object.entries(n.attr).map(([k, v]) => [k, attrMessage(v)])),
    })),
    ret: spec.outputs,
  };
  return type.encode(type.fromObject(message)).finish();
}

/** The fields of a serialized FunctionDef this module writes, as a plain object (to inspect one). */
export function decodeFunctionDef(bytes: Uint8Array): Record<string, unknown> {
  const type = functionDef();
  return type.toObject(type.decode(bytes), { longs: Number, bytes: String, defaults: false }) as Record<string, unknown>;
}
