/**
 * The tslab kernel as `digit-lab lab` registers it and the runner starts it: tslab itself, with
 * what it gets wrong on the wire put right.
 * - Output: tslab fires each iopub message without waiting for the previous one. zeromq.js sends
 *   512 in a row, then refuses further sends while one is deferred (EBUSY, thrown inside the
 *   patched stdout, where console.log swallows it): a cell printing 3,000 lines kept about 500,
 *   and lost its idle status too. Here iopub goes through ./queued-socket, which loses nothing.
 * - JupyterLab's console sends `history_request`, which tslab answers only with "unknown msg_type"
 *   on stderr, text that lands in whichever cell ran last and is saved with it.
 * - tslab replies to `comm_info_request` with a message typed `complete_reply`.
 */
import { queuedSends, type SendSocket } from './queued-socket';
import { createMessage, decodeMessage, encodeMessage, type JupyterMessage } from './wire';

/** The parts of tslab's ZmqServer this module relies on (tslab 1.x, dist/jupyter.js). */
interface TslabServer {
  connInfo: { key: string };
  iopub: SendSocket;
  init(): Promise<void>;
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

/** Patches tslab's server class (idempotent): queued iopub sends, and the requests it mishandles. */
export function patchTslabServer(serverClass: ServerClass): void {
  const proto = serverClass.prototype as TslabServer & { [PATCHED]?: boolean };
  if (proto[PATCHED]) return;
  const init = proto.init;
  proto.init = async function (this: TslabServer) {
    await init.call(this);
    // The sockets exist once init has bound them, before any request can be handled.
    this.iopub = queuedSends(this.iopub, (err) => process.stderr.write(`digit-lab kernel: an output message was lost: ${err.message}\n`));
  };
  const handleShellMessage = proto.handleShellMessage;
  proto.handleShellMessage = async function (this: TslabServer, sock: TslabSocket, ...frames: Buffer[]) {
    const type = peekType(frames);
    const own = type === undefined ? undefined : OWN_REPLIES[type];
    if (!own) return handleShellMessage.call(this, sock, ...frames);
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
