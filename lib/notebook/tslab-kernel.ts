/**
 * The tslab kernel as `digit-lab lab` registers it: tslab itself, with the two shell requests it
 * gets wrong answered properly. JupyterLab's console sends `history_request`, which tslab answers
 * only with "unknown msg_type" on stderr, text that lands in whichever cell ran last and is saved
 * with it; and tslab replies to `comm_info_request` with a message typed `complete_reply`.
 */
import { createMessage, decodeMessage, encodeMessage, type JupyterMessage } from '../runner/kernel/wire';

/** The parts of tslab's ZmqServer this module relies on (tslab 1.x, dist/jupyter.js). */
interface TslabServer {
  connInfo: { key: string };
  iopub: { send(frames: Array<string | Buffer>): Promise<void> };
  handleShellMessage(sock: TslabSocket, ...frames: Buffer[]): Promise<void>;
}
interface TslabSocket {
  send(frames: Array<string | Buffer>): Promise<void>;
}
type ServerClass = { prototype: TslabServer };

/** Replies the kernel gives itself, by request type: [reply type, reply content]. */
const OWN_REPLIES: Record<string, [string, Record<string, unknown>]> = {
  // No history is kept across sessions: an empty history is a valid answer, and the console works.
  history_request: ['history_reply', { status: 'ok', history: [] }],
  comm_info_request: ['comm_info_reply', { status: 'ok', comms: {} }],
};

const DELIMITER = '<IDS|MSG>';
const PATCHED = Symbol.for('digit-lab.tslab-kernel.patched');

/** The msg_type of raw shell frames without verifying them (tslab verifies what it handles). */
function peekType(frames: Buffer[]): string | undefined {
  const delim = frames.findIndex((f) => f.toString() === DELIMITER);
  if (delim < 0 || frames.length < delim + 3) return undefined;
  try {
    return JSON.parse(frames[delim + 2].toString('utf8')).msg_type;
  } catch {
    return undefined;
  }
}

/** The reply to `request` sent back on its socket, between busy and idle on iopub as the protocol asks. */
async function answer(server: TslabServer, sock: TslabSocket, frames: Buffer[], replyType: string, content: Record<string, unknown>): Promise<void> {
  const key = server.connInfo.key;
  const request = decodeMessage(frames, key);
  const identities = frames.slice(0, frames.findIndex((f) => f.toString() === DELIMITER));
  const reply = (type: string, body: Record<string, unknown>): JupyterMessage =>
    createMessage(type, body, request.header.session, request.header);
  await server.iopub.send(encodeMessage(reply('status', { execution_state: 'busy' }), key));
  await sock.send(encodeMessage(reply(replyType, content), key, identities));
  await server.iopub.send(encodeMessage(reply('status', { execution_state: 'idle' }), key));
}

/** Makes tslab's server answer `history_request` and `comm_info_request` correctly (idempotent). */
export function patchTslabServer(serverClass: ServerClass): void {
  const proto = serverClass.prototype as TslabServer & { [PATCHED]?: boolean };
  if (proto[PATCHED]) return;
  const original = proto.handleShellMessage;
  proto.handleShellMessage = async function (this: TslabServer, sock: TslabSocket, ...frames: Buffer[]) {
    const type = peekType(frames);
    const own = type === undefined ? undefined : OWN_REPLIES[type];
    if (!own) return original.call(this, sock, ...frames);
    try {
      await answer(this, sock, frames, own[0], own[1]);
    } catch (err) {
      console.error(`digit-lab kernel: could not answer ${type}: ${(err as Error).message}`);
    }
  };
  proto[PATCHED] = true;
}

/** Starts the project's tslab kernel on `configPath` (a Jupyter connection file), patched. */
export function startTslabKernel(configPath: string, options: { js?: boolean } = {}): void {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  patchTslabServer(require('tslab/dist/jupyter').ZmqServer as ServerClass);
  // tslab's own entry point, minus its search for another local tslab: this is the project's.
  (require('tslab/dist/main') as { startKernel(o: { configPath: string; enableFindLocal: boolean; jsKernel: boolean }): void }).startKernel({
    configPath,
    enableFindLocal: false,
    jsKernel: options.js ?? false,
  });
}
