/**
 * The additions `digit-lab native` makes to tfjs-node's binding source, on small stand-ins for its
 * three files that hold the anchor lines: where each addition lands, that a second run changes
 * nothing, and that a source the additions do not fit is left exactly as it was. (The real source
 * is patched, compiled and used by the native lane: test/engine/native/build.spec.ts and
 * test/engine/model-function.spec.ts.)
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { patchBinding } from '../../../lib/engine/native/binding-patch';

const BACKEND_CC = [
  '#include <set>',
  '#include <string>',
  'namespace tfnodejs {',
  '  switch (attr_type) {',
  '    case TF_ATTR_STRING: {',
  '      break;',
  '    }',
  '    case TF_ATTR_TYPE: {',
  '      break;',
  '    }',
  '  }',
  '}  // namespace tfnodejs',
  '',
].join('\n');

const BACKEND_H = ['class TFJSBackend {', ' public:', '  napi_value GetNumOfTensors(napi_env env);', ' private:', '};', ''].join('\n');

const BINDING_CC = [
  'static napi_value GetNumOfTensors(napi_env env, napi_callback_info info) {',
  '  return nullptr;',
  '}',
  '  napi_property_descriptor exports_properties[] = {',
  '      {"getNumOfTensors", nullptr, GetNumOfTensors, nullptr, nullptr,',
  '       nullptr, napi_default, nullptr},',
  '  };',
  '',
].join('\n');

describe('engine: the binding additions of `digit-lab native`', () => {
  let dir: string;
  const file = (name: string) => path.join(dir, 'binding', name);
  const read = (name: string) => fs.readFileSync(file(name), 'utf8');

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'digit-lab-binding-'));
    fs.mkdirSync(path.join(dir, 'binding'));
    fs.writeFileSync(file('tfjs_backend.cc'), BACKEND_CC);
    fs.writeFileSync(file('tfjs_backend.h'), BACKEND_H);
    fs.writeFileSync(file('tfjs_binding.cc'), BINDING_CC);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('adds list attributes and the function calls, each in its place, once', () => {
    assert.equal(patchBinding(dir), true);
    const cc = read('tfjs_backend.cc');
    assert.ok(cc.indexOf('TFE_OpSetAttrStringList') > cc.indexOf('case TF_ATTR_STRING: {'));
    assert.ok(cc.indexOf('TFE_OpSetAttrTypeList') > cc.indexOf('case TF_ATTR_TYPE: {'));
    // The member functions sit inside the namespace, before it closes.
    assert.ok(cc.indexOf('TFJSBackend::AddFunctionDef') < cc.indexOf('}  // namespace tfnodejs'));
    assert.match(cc, /TFE_ContextAddFunctionDef\(tfe_context_/);
    assert.match(cc, /TFE_ContextRemoveFunction\(tfe_context_/);
    assert.match(cc, /#include <string>\n#include <vector>\n/);
    const h = read('tfjs_backend.h');
    assert.ok(h.indexOf('napi_value AddFunctionDef') > h.indexOf('GetNumOfTensors') && h.indexOf('napi_value AddFunctionDef') < h.indexOf(' private:'));
    const binding = read('tfjs_binding.cc');
    assert.ok(binding.indexOf('static napi_value AddFunctionDef') < binding.indexOf('static napi_value GetNumOfTensors'));
    assert.ok(binding.indexOf('{"addFunctionDef", nullptr, AddFunctionDef') > binding.indexOf('{"getNumOfTensors"'));
    assert.ok(binding.indexOf('{"removeFunction", nullptr, RemoveFunction') < binding.indexOf('  };'));

    const patched = ['tfjs_backend.cc', 'tfjs_backend.h', 'tfjs_binding.cc'].map(read);
    assert.equal(patchBinding(dir), true, 'a patched source counts as patched');
    assert.deepEqual(['tfjs_backend.cc', 'tfjs_backend.h', 'tfjs_binding.cc'].map(read), patched, 'and is not patched twice');
  });

  it('leaves a source it does not fit exactly as it was', () => {
    fs.writeFileSync(file('tfjs_binding.cc'), BINDING_CC.replace('GetNumOfTensors(napi_env env, napi_callback_info info)', 'GetTensorCount(napi_env env, napi_callback_info info)'));
    const before = ['tfjs_backend.cc', 'tfjs_backend.h', 'tfjs_binding.cc'].map(read);
    assert.equal(patchBinding(dir), false);
    assert.deepEqual(['tfjs_backend.cc', 'tfjs_backend.h', 'tfjs_binding.cc'].map(read), before);
  });

  it('does not stack the function calls on a source carrying only the older list attributes', () => {
    fs.writeFileSync(file('tfjs_backend.cc'), BACKEND_CC.replace('    case TF_ATTR_STRING: {', '    case TF_ATTR_STRING: {\n      // digit-lab native: list attributes'));
    const before = ['tfjs_backend.cc', 'tfjs_backend.h', 'tfjs_binding.cc'].map(read);
    assert.equal(patchBinding(dir), false);
    assert.deepEqual(['tfjs_backend.cc', 'tfjs_backend.h', 'tfjs_binding.cc'].map(read), before);
  });
});
