/** Finding pip TensorFlow and checking it can serve tfjs-node, with fake Pythons and package folders. */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { definedDynamicSymbols } from '../../../lib/engine/native/elf';
import { checkPlatform, locateTensorflow, tensorflowVersion } from '../../../lib/engine/native/locate';
import { findToolchain } from '../../../lib/engine/native/toolchain';
import { which } from '../../../lib/common/which';

/** A shell script standing in for Python: prints `folder` where find_spec's answer goes. */
function fakePython(dir: string, folder: string, exitCode = 0): string {
  const file = path.join(dir, 'python-fake');
  fs.writeFileSync(file, `#!/bin/sh\necho "${folder}"\n${exitCode ? `echo "ImportError: broken" >&2\nexit ${exitCode}\n` : ''}`);
  fs.chmodSync(file, 0o755);
  return file;
}

/** A site-packages/tensorflow folder with the given files; libraries are links to a small ELF. */
function fakeTensorflow(root: string, parts: { libs?: boolean; headers?: boolean; distInfo?: string }): string {
  const location = path.join(root, 'site-packages', 'tensorflow');
  fs.mkdirSync(location, { recursive: true });
  if (parts.distInfo) fs.mkdirSync(path.join(root, 'site-packages', parts.distInfo));
  if (parts.libs) {
    // A real ELF shared object without TensorFlow's symbols: the C API check must reject it.
    const elf = fs.realpathSync(which('true') ?? '/bin/true');
    fs.symlinkSync(elf, path.join(location, 'libtensorflow_cc.so.2'));
    fs.symlinkSync(elf, path.join(location, 'libtensorflow_framework.so.2'));
  }
  if (parts.headers) {
    fs.mkdirSync(path.join(location, 'include', 'tensorflow', 'c', 'eager'), { recursive: true });
    fs.writeFileSync(path.join(location, 'include', 'tensorflow', 'c', 'c_api.h'), '');
    fs.writeFileSync(path.join(location, 'include', 'tensorflow', 'c', 'eager', 'c_api.h'), '');
  }
  return location;
}

describe('engine/native: finding TensorFlow', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'digit-lab-native-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads the symbols an ELF library defines, not the ones it imports', () => {
    // Node itself exports N-API for addons and imports libc's malloc.
    const symbols = definedDynamicSymbols(process.execPath);
    assert.ok(symbols.has('napi_create_string_latin1'), 'node defines napi_create_string_latin1');
    assert.ok(!symbols.has('malloc'), 'malloc is imported, not defined');
    const text = path.join(tmp, 'not-elf.so');
    fs.writeFileSync(text, 'hello, this is not a library at all, just text'.repeat(2));
    assert.throws(() => definedDynamicSymbols(text), /not-elf\.so is not an ELF file/);
  });

  it('names the platforms it builds on', () => {
    assert.doesNotThrow(() => checkPlatform('linux', 'x64'));
    assert.doesNotThrow(() => checkPlatform('linux', 'arm64'));
    assert.throws(() => checkPlatform('darwin', 'arm64'), /unsupported platform darwin-arm64: .*Linux x64 and arm64.*wasm/);
    assert.throws(() => checkPlatform('win32', 'x64'), /unsupported platform win32-x64/);
  });

  it('reads the version from the dist-info pip left beside the package', () => {
    const cpu = fakeTensorflow(path.join(tmp, 'a'), { distInfo: 'tensorflow_cpu-2.21.0.dist-info' });
    assert.equal(tensorflowVersion(cpu), '2.21.0');
    const plain = fakeTensorflow(path.join(tmp, 'b'), { distInfo: 'tensorflow-2.19.1.dist-info' });
    assert.equal(tensorflowVersion(plain), '2.19.1');
    assert.equal(tensorflowVersion(fakeTensorflow(path.join(tmp, 'c'), {})), null);
  });

  it('says when the Python is missing, has no TensorFlow, or fails', () => {
    assert.throws(() => locateTensorflow({ python: path.join(tmp, 'no-such-python') }), /no python: .*no-such-python was not found/);
    assert.throws(() => locateTensorflow({ python: fakePython(tmp, '') }), /no TensorFlow in .*python-fake: install it with `python3 -m pip install tensorflow-cpu`/);
    assert.throws(() => locateTensorflow({ python: fakePython(tmp, '', 1) }), /python-fake failed to look for TensorFlow: ImportError: broken/);
  });

  it('rejects a TensorFlow without the C API libraries and headers, naming what is missing', () => {
    const location = fakeTensorflow(tmp, { distInfo: 'tensorflow_cpu-2.21.0.dist-info' });
    assert.throws(
      () => locateTensorflow({ python: fakePython(tmp, location) }),
      /TensorFlow 2\.21\.0 in .* lacks the C API libraries and headers \(libtensorflow_cc\.so\.2, libtensorflow_framework\.so\.2, include\/tensorflow\/c\/c_api\.h/,
    );
  });

  it('rejects libraries that do not carry the C API functions tfjs-node calls', () => {
    const location = fakeTensorflow(tmp, { libs: true, headers: true, distInfo: 'tensorflow-2.21.0.dist-info' });
    assert.throws(() => locateTensorflow({ tensorflow: location }), /does not carry the C API tfjs-node calls \(missing TFE_ContextListDevices, .* and \d+ more\)/);
  });

  it('rejects TensorFlow 1 and a --tensorflow folder that does not exist', () => {
    const old = fakeTensorflow(tmp, { libs: true, headers: true, distInfo: 'tensorflow-1.15.5.dist-info' });
    assert.throws(() => locateTensorflow({ tensorflow: old }), /TensorFlow 1\.15\.5 .* too old/);
    assert.throws(() => locateTensorflow({ tensorflow: path.join(tmp, 'nowhere') }), /--tensorflow .*nowhere: no such folder/);
  });

  it('names every missing build tool at once', () => {
    const saved = { PATH: process.env.PATH, CXX: process.env.CXX, PYTHON: process.env.PYTHON, gyp: process.env.npm_config_node_gyp, execpath: process.env.npm_execpath };
    try {
      process.env.PATH = tmp;
      delete process.env.CXX;
      delete process.env.PYTHON;
      assert.throws(() => findToolchain(), (err: Error) => {
        assert.match(err.message, /cannot compile tfjs-node: missing a C\+\+ compiler \(g\+\+ or clang\+\+/);
        assert.match(err.message, /make/);
        assert.match(err.message, /python3/);
        return true;
      });
    } finally {
      for (const [key, value] of Object.entries({ PATH: saved.PATH, CXX: saved.CXX, PYTHON: saved.PYTHON, npm_config_node_gyp: saved.gyp, npm_execpath: saved.execpath })) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});
