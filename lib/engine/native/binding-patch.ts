/**
 * Additions to tfjs-node 4.22's binding source before it is compiled, each anchored on lines of
 * that source; if an anchor is not found exactly once (another tfjs-node), the whole source is
 * left alone and the build goes on without them (the kernels detect what is missing and fall back).
 * - list attributes: string-list and type-list op attributes (it takes one string or one type per
 *   attribute). oneDNN's fully fused convolution needs them (`fused_ops`, `TArgs`), which makes
 *   inference about 1.2x faster.
 * - functions: `addFunctionDef(bytes)` and `removeFunction(name)`, so a whole model can run as one
 *   TensorFlow function (see lib/engine/graph/) instead of one eager op at a time.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The version of the additions; a build made with another (or none) is rebuilt. */
export const BINDING_PATCH_LEVEL = 2;

const MARK = '// digit-lab native: list attributes';
const FUNCTIONS_MARK = '// digit-lab native: functions';

const STRING_LIST = `
      ${MARK}
      if (IsArray(env, nstatus, &js_value)) {
        uint32_t count;
        nstatus = napi_get_array_length(env, js_value, &count);
        ENSURE_NAPI_OK(env, nstatus);
        std::vector<std::string> texts(count);
        std::vector<const void *> starts(count);
        std::vector<size_t> sizes(count);
        for (uint32_t i = 0; i < count; ++i) {
          napi_value item;
          nstatus = napi_get_element(env, js_value, i, &item);
          ENSURE_NAPI_OK(env, nstatus);
          nstatus = GetStringParam(env, item, texts[i]);
          ENSURE_NAPI_OK(env, nstatus);
          starts[i] = texts[i].data();
          sizes[i] = texts[i].size();
        }
        TFE_OpSetAttrStringList(tfe_op, attr_name, starts.data(), sizes.data(), static_cast<int>(count));
        break;
      }`;

const TYPE_LIST = `
      ${MARK}
      if (IsArray(env, nstatus, &js_value)) {
        uint32_t count;
        nstatus = napi_get_array_length(env, js_value, &count);
        ENSURE_NAPI_OK(env, nstatus);
        std::vector<TF_DataType> types(count);
        for (uint32_t i = 0; i < count; ++i) {
          napi_value item;
          nstatus = napi_get_element(env, js_value, i, &item);
          ENSURE_NAPI_OK(env, nstatus);
          nstatus = napi_get_value_int32(env, item, reinterpret_cast<int32_t *>(&types[i]));
          ENSURE_NAPI_OK(env, nstatus);
        }
        TFE_OpSetAttrTypeList(tfe_op, attr_name, types.data(), static_cast<int>(count));
        break;
      }`;

const FUNCTION_DECLARATIONS = `
  ${FUNCTIONS_MARK}
  napi_value AddFunctionDef(napi_env env, napi_value bytes_value);
  napi_value RemoveFunction(napi_env env, napi_value name_value);`;

// Member functions, because the eager context is private to TFJSBackend.
const FUNCTION_DEFINITIONS = `
${FUNCTIONS_MARK}
napi_value TFJSBackend::AddFunctionDef(napi_env env, napi_value bytes_value) {
  bool is_typed_array = false;
  napi_status nstatus = napi_is_typedarray(env, bytes_value, &is_typed_array);
  ENSURE_NAPI_OK_RETVAL(env, nstatus, nullptr);
  napi_typedarray_type type = napi_int8_array;
  size_t length = 0;
  void *data = nullptr;
  if (is_typed_array) {
    nstatus = napi_get_typedarray_info(env, bytes_value, &type, &length, &data, nullptr, nullptr);
    ENSURE_NAPI_OK_RETVAL(env, nstatus, nullptr);
  }
  if (!is_typed_array || type != napi_uint8_array) {
    NAPI_THROW_ERROR(env, "addFunctionDef() expects a Uint8Array (a serialized FunctionDef)");
    return nullptr;
  }
  TF_AutoStatus tf_status;
  TFE_ContextAddFunctionDef(tfe_context_, static_cast<const char *>(data), length, tf_status.status);
  ENSURE_TF_OK_RETVAL(env, tf_status, nullptr);
  napi_value undefined;
  nstatus = napi_get_undefined(env, &undefined);
  ENSURE_NAPI_OK_RETVAL(env, nstatus, nullptr);
  return undefined;
}

napi_value TFJSBackend::RemoveFunction(napi_env env, napi_value name_value) {
  std::string name;
  napi_status nstatus = GetStringParam(env, name_value, name);
  ENSURE_NAPI_OK_RETVAL(env, nstatus, nullptr);
  TF_AutoStatus tf_status;
  TFE_ContextRemoveFunction(tfe_context_, name.c_str(), tf_status.status);
  ENSURE_TF_OK_RETVAL(env, tf_status, nullptr);
  napi_value undefined;
  nstatus = napi_get_undefined(env, &undefined);
  ENSURE_NAPI_OK_RETVAL(env, nstatus, nullptr);
  return undefined;
}

`;

/** A binding function taking one argument and handing it to the TFJSBackend member `method`. */
const oneArgumentWrapper = (jsName: string, method: string, check = '') => `
static napi_value ${method}(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value args[1];
  napi_status nstatus = napi_get_cb_info(env, info, &argc, args, nullptr, nullptr);
  ENSURE_NAPI_OK_RETVAL(env, nstatus, nullptr);
  if (argc < 1) {
    NAPI_THROW_ERROR(env, "${jsName}() expects 1 argument");
    return nullptr;
  }${check}
  TFJSBackend *const backend = GetTFJSBackend(env);
  if (!backend) return nullptr;
  return backend->${method}(env, args[0]);
}
`;

const FUNCTION_WRAPPERS = `
${FUNCTIONS_MARK}${oneArgumentWrapper('addFunctionDef', 'AddFunctionDef')}${oneArgumentWrapper('removeFunction', 'RemoveFunction', `
  ENSURE_VALUE_IS_STRING_RETVAL(env, args[0], nullptr);`)}
`;

const FUNCTION_EXPORTS = `
      {"addFunctionDef", nullptr, AddFunctionDef, nullptr, nullptr, nullptr,
       napi_default, nullptr},
      {"removeFunction", nullptr, RemoveFunction, nullptr, nullptr, nullptr,
       napi_default, nullptr},`;

/** One piece of source inserted after (or before) a line that occurs exactly once in `file`. */
interface Insertion {
  file: string;
  anchor: string;
  text: string;
  before?: boolean;
}

const INSERTIONS: readonly Insertion[] = [
  { file: 'tfjs_backend.cc', anchor: '    case TF_ATTR_STRING: {', text: STRING_LIST },
  { file: 'tfjs_backend.cc', anchor: '    case TF_ATTR_TYPE: {', text: TYPE_LIST },
  { file: 'tfjs_backend.cc', anchor: '#include <string>\n', text: '#include <vector>\n' },
  { file: 'tfjs_backend.h', anchor: '  napi_value GetNumOfTensors(napi_env env);', text: FUNCTION_DECLARATIONS },
  { file: 'tfjs_backend.cc', anchor: '}  // namespace tfnodejs', text: FUNCTION_DEFINITIONS, before: true },
  { file: 'tfjs_binding.cc', anchor: 'static napi_value GetNumOfTensors(napi_env env, napi_callback_info info) {', text: FUNCTION_WRAPPERS, before: true },
  {
    file: 'tfjs_binding.cc',
    anchor: '      {"getNumOfTensors", nullptr, GetNumOfTensors, nullptr, nullptr,\n       nullptr, napi_default, nullptr},',
    text: FUNCTION_EXPORTS,
  },
];

/** The C API functions the additions call (on top of tfjs-node's own). */
export const PATCH_C_API: readonly string[] = ['TFE_OpSetAttrStringList', 'TFE_OpSetAttrTypeList', 'TFE_ContextAddFunctionDef', 'TFE_ContextRemoveFunction'];

/**
 * Makes the additions to `packageDir`'s binding source; returns whether it did (or had). All or
 * nothing: a source already carrying them, or one they do not fit, is not touched.
 */
export function patchBinding(packageDir: string): boolean {
  const dir = path.join(packageDir, 'binding');
  const sources = new Map<string, string>();
  for (const { file } of INSERTIONS) if (!sources.has(file)) sources.set(file, fs.readFileSync(path.join(dir, file), 'utf8'));
  const all = [...sources.values()].join('\n');
  if (all.includes(MARK) && all.includes(FUNCTIONS_MARK)) return true;
  if (all.includes(MARK) || all.includes(FUNCTIONS_MARK)) return false;
  if (!INSERTIONS.every(({ file, anchor }) => sources.get(file)!.split(anchor).length === 2)) return false;
  for (const { file, anchor, text, before } of INSERTIONS) {
    sources.set(file, sources.get(file)!.replace(anchor, before ? text + anchor : anchor + text));
  }
  for (const [file, source] of sources) fs.writeFileSync(path.join(dir, file), source);
  return true;
}
