/**
 * The dynamic symbols a shared library defines, read from its ELF tables, so `digit-lab native`
 * can tell a TensorFlow that carries the C API from one that does not before compiling anything.
 * Only the section headers and the dynamic symbol/string tables are read, not the whole library.
 */
import * as fs from 'fs';

const SHT_DYNSYM = 11;
const SYM_SIZE = 24;

function readAt(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, done, length - done, offset + done);
    if (n === 0) throw new Error(`unexpected end of file at byte ${offset + done}`);
    done += n;
  }
  return buf;
}

/** Names of the symbols `file` (a 64-bit little-endian ELF shared library) defines for others. */
export function definedDynamicSymbols(file: string): Set<string> {
  const fd = fs.openSync(file, 'r');
  try {
    const header = readAt(fd, 0, 64);
    if (header.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${file} is not an ELF file`);
    if (header[4] !== 2 || header[5] !== 1) throw new Error(`${file} is not a 64-bit little-endian ELF file`);
    const shoff = Number(header.readBigUInt64LE(0x28));
    const shentsize = header.readUInt16LE(0x3a);
    const shnum = header.readUInt16LE(0x3c);
    const sections = readAt(fd, shoff, shentsize * shnum);
    const section = (i: number) => {
      const at = i * shentsize;
      return {
        type: sections.readUInt32LE(at + 4),
        offset: Number(sections.readBigUInt64LE(at + 0x18)),
        size: Number(sections.readBigUInt64LE(at + 0x20)),
        link: sections.readUInt32LE(at + 0x28),
      };
    };
    const names = new Set<string>();
    for (let i = 0; i < shnum; i++) {
      const sym = section(i);
      if (sym.type !== SHT_DYNSYM) continue;
      const strtab = section(sym.link);
      const strings = readAt(fd, strtab.offset, strtab.size);
      const table = readAt(fd, sym.offset, sym.size);
      for (let at = 0; at + SYM_SIZE <= table.length; at += SYM_SIZE) {
        // st_shndx 0 is an undefined (imported) symbol: it does not count as carried.
        if (table.readUInt16LE(at + 6) === 0) continue;
        const nameAt = table.readUInt32LE(at);
        const end = strings.indexOf(0, nameAt);
        names.add(strings.toString('latin1', nameAt, end < 0 ? strings.length : end));
      }
    }
    return names;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The TensorFlow C API functions tfjs-node 4.22's binding calls (read from the compiled addon's
 * undefined symbols); a TensorFlow whose libraries lack any of them cannot run it.
 */
export const TFJS_NODE_C_API: readonly string[] = [
  'TFE_ContextListDevices', 'TFE_DeleteContext', 'TFE_DeleteContextOptions', 'TFE_DeleteOp',
  'TFE_DeleteTensorHandle', 'TFE_Execute', 'TFE_NewContext', 'TFE_NewContextOptions', 'TFE_NewOp',
  'TFE_NewTensorHandle', 'TFE_OpAddInput', 'TFE_OpSetAttrBool', 'TFE_OpSetAttrBoolList',
  'TFE_OpSetAttrFloat', 'TFE_OpSetAttrFloatList', 'TFE_OpSetAttrInt', 'TFE_OpSetAttrIntList',
  'TFE_OpSetAttrShape', 'TFE_OpSetAttrString', 'TFE_OpSetAttrType', 'TFE_TensorHandleCopyToDevice',
  'TFE_TensorHandleDataType', 'TFE_TensorHandleDim', 'TFE_TensorHandleNumDims', 'TFE_TensorHandleResolve',
  'TF_AllocateTensor', 'TF_DataTypeSize', 'TF_DeleteBuffer', 'TF_DeleteDeviceList', 'TF_DeleteGraph',
  'TF_DeleteSession', 'TF_DeleteSessionOptions', 'TF_DeleteStatus', 'TF_DeleteTensor', 'TF_DeviceListCount',
  'TF_DeviceListName', 'TF_DeviceListType', 'TF_Dim', 'TF_GetCode', 'TF_GraphOperationByName',
  'TF_LoadSessionFromSavedModel', 'TF_Message', 'TF_NewBuffer', 'TF_NewBufferFromString', 'TF_NewGraph',
  'TF_NewSessionOptions', 'TF_NewStatus', 'TF_NewTensor', 'TF_NumDims', 'TF_SessionRun',
  'TF_TensorByteSize', 'TF_TensorData', 'TF_TensorElementCount', 'TF_TensorType', 'TF_Version',
];
