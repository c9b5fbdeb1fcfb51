/**
 * One addition to tfjs-node 4.22's binding source before it is compiled: string-list and
 * type-list op attributes (it takes one string or one type per attribute). oneDNN's fully fused
 * convolution needs them (`fused_ops`, `TArgs`), which makes inference about 1.2x faster; the
 * kernels detect a binding without them and fall back. Applied by anchoring on two `case` lines;
 * if they are not found (another tfjs-node), the source is left alone and the build goes on.
 */
import * as fs from 'fs';
import * as path from 'path';

const MARK = '// digit-lab native: list attributes';

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

/** The C API functions the addition calls (on top of tfjs-node's own). */
export const PATCH_C_API: readonly string[] = ['TFE_OpSetAttrStringList', 'TFE_OpSetAttrTypeList'];

/** Adds list attributes to `packageDir`'s binding source; returns whether it did (or had). */
export function patchBinding(packageDir: string): boolean {
  const file = path.join(packageDir, 'binding', 'tfjs_backend.cc');
  let source = fs.readFileSync(file, 'utf8');
  if (source.includes(MARK)) return true;
  const anchors: [string, string][] = [['    case TF_ATTR_STRING: {', STRING_LIST], ['    case TF_ATTR_TYPE: {', TYPE_LIST]];
  if (!anchors.every(([anchor]) => source.split(anchor).length === 2)) return false;
  for (const [anchor, addition] of anchors) source = source.replace(anchor, anchor + addition);
  source = source.replace('#include <string>\n', '#include <string>\n#include <vector>\n');
  fs.writeFileSync(file, source);
  return true;
}
