/**
 * The Jupyter wire format: message shapes, HMAC-SHA256 signing, and conversion to and from the
 * ZeroMQ frames. Pure (no sockets) so the signing rules are tested on their own.
 */
import { createHmac, randomUUID } from 'crypto';

/** The header of a Jupyter message (protocol 5.x). */
export interface MessageHeader {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

/** A decoded Jupyter message. `channel` says which socket it came from (set by the transport). */
export interface JupyterMessage<C = Record<string, any>> {
  channel?: 'shell' | 'iopub' | 'control' | 'stdin';
  header: MessageHeader;
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: C;
  buffers?: Buffer[];
}

export const PROTOCOL_VERSION = '5.3';
const DELIMITER = '<IDS|MSG>';

/** Builds a new request message for a session (fresh msg_id, current time). */
export function createMessage<C>(msgType: string, content: C, session: string, parent: Partial<MessageHeader> = {}): JupyterMessage<C> {
  return {
    header: {
      msg_id: randomUUID(),
      msg_type: msgType,
      session,
      username: 'digit-lab',
      date: new Date().toISOString(),
      version: PROTOCOL_VERSION,
    },
    parent_header: parent,
    metadata: {},
    content,
  };
}

/** HMAC-SHA256 over the four JSON parts; the empty key means "unsigned" (as in jupyter_client). */
export function signParts(key: string, parts: Array<string | Buffer>): string {
  if (!key) return '';
  const hmac = createHmac('sha256', key);
  for (const part of parts) hmac.update(part);
  return hmac.digest('hex');
}

/** Serialises a message to ZeroMQ frames: [ids..., delimiter, signature, header, parent, metadata, content]. */
export function encodeMessage(msg: JupyterMessage, key: string, identities: Buffer[] = []): Array<string | Buffer> {
  const parts = [
    JSON.stringify(msg.header),
    JSON.stringify(msg.parent_header),
    JSON.stringify(msg.metadata),
    JSON.stringify(msg.content),
  ];
  return [...identities, DELIMITER, signParts(key, parts), ...parts, ...(msg.buffers ?? [])];
}

/** Error for frames that are not a valid, correctly signed Jupyter message. */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

/** Parses ZeroMQ frames into a message, verifying the signature (throws WireError when wrong). */
export function decodeMessage(frames: Buffer[], key: string): JupyterMessage {
  const delim = frames.findIndex((f) => f.toString() === DELIMITER);
  if (delim < 0) throw new WireError('message has no <IDS|MSG> delimiter');
  if (frames.length < delim + 6) throw new WireError(`message has ${frames.length - delim - 1} parts after the delimiter; need 5`);
  const signature = frames[delim + 1].toString();
  const parts = frames.slice(delim + 2, delim + 6);
  const expected = signParts(key, parts);
  if (key && signature !== expected) throw new WireError('message signature does not match the connection key');
  const parse = (b: Buffer, what: string): any => {
    try {
      return JSON.parse(b.toString('utf8'));
    } catch {
      throw new WireError(`message ${what} is not valid JSON`);
    }
  };
  return {
    header: parse(parts[0], 'header'),
    parent_header: parse(parts[1], 'parent header'),
    metadata: parse(parts[2], 'metadata'),
    content: parse(parts[3], 'content'),
    buffers: frames.slice(delim + 6),
  };
}
