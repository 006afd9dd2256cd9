/**
 * Keeps docs/wire.md true. Every block the document marks with `<!-- example: NAME -->` is
 * recomputed here from the reference code, and every constant it names with a value is compared
 * with the code. A change of the wire format, the token format or the owner's responses fails
 * this test until the document shows the new bytes.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  CAVEATS_MAX,
  FRAME_BYTES_MAX,
  HELLO_TIMEOUT_MS,
  INBOUND_CONNECTIONS_MAX,
  NODE_KEY_BYTES,
  NODE_START_TIMEOUT_MS,
  NODE_STOP_TIMEOUT_MS,
  OWNER_KEY_BYTES_MIN,
  PEER_QUEUE_BYTES_MAX,
  PEER_QUEUE_FRAMES_MAX,
  RECONNECT_DELAY_MS_MAX,
  RECONNECT_DELAY_MS_MIN,
  REQUEST_DEADLINE_MS,
  RETRY_DELAY_MS_MAX,
  RETRY_DELAY_MS_MIN,
  SLOT_DEPTH_MAX,
  SLOT_VERSION_MAX,
  SLOTS_PER_OBJECT_MAX,
  TOKEN_LENGTH_MAX,
  TOKEN_OBJECT_ID_BYTES_MAX,
  VALUE_LENGTH_MAX,
} from '../../impl/limits.ts';
import { openRecordLog } from '../../impl/log/index.ts';
import { encodeLengthPrefixed } from '../../impl/net/frame-reader.ts';
import { encodeHello, HELLO_BYTES_MAX, HELLO_VERSION } from '../../impl/net/hello.ts';
import { TcpTransport } from '../../impl/net/tcp-transport.ts';
import { OwnerNode } from '../../impl/owner/owner.ts';
import { MemoryLogger, type FrameHandler, type Storage, type Transport } from '../../impl/ports.ts';
import { ENDPOINT_ID_LENGTH_MAX } from '../../impl/sim/defaults.ts';
import {
  attenuateToken,
  encodeCaveat,
  encodeMintedPart,
  encodeToken,
  encodeTokenBytes,
  MAC_BYTES,
  mintCapability,
  mintRevoker,
  ownerKey,
  TOKEN_FORMAT_VERSION,
} from '../../impl/token/index.ts';
import { encodeFrame } from '../../impl/wire/frame.ts';
import { WIRE_VERSION } from '../../impl/wire/messages.ts';
import { nodeId, objectId } from '../../model/index.ts';

const DOC_PATH = fileURLToPath(new URL('../../docs/wire.md', import.meta.url));

/** The key of every example in the document: the 32 bytes 0x00 to 0x1f. */
const KEY_BYTES = Uint8Array.from({ length: 32 }, (_, index) => index);
const key = ownerKey(KEY_BYTES);

const n0 = nodeId('n0');
const CLIENT_ID = 'client-0';
const rootObject = objectId(n0, 0);

/** How long the session and TCP tests wait for one response, in milliseconds. */
const RESPONSE_TIMEOUT_MS = 5_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Every constant the document gives a value for, by name. */
const CONSTANTS: Readonly<Record<string, number>> = {
  HELLO_VERSION,
  HELLO_BYTES_MAX,
  ENDPOINT_ID_LENGTH_MAX,
  HELLO_TIMEOUT_MS,
  FRAME_BYTES_MAX,
  WIRE_VERSION,
  TOKEN_FORMAT_VERSION,
  MAC_BYTES,
  TOKEN_OBJECT_ID_BYTES_MAX,
  TOKEN_LENGTH_MAX,
  CAVEATS_MAX,
  SLOT_DEPTH_MAX,
  SLOTS_PER_OBJECT_MAX,
  SLOT_VERSION_MAX,
  VALUE_LENGTH_MAX,
  OWNER_KEY_BYTES_MIN,
  NODE_KEY_BYTES,
  REQUEST_DEADLINE_MS,
  RETRY_DELAY_MS_MIN,
  RETRY_DELAY_MS_MAX,
  RECONNECT_DELAY_MS_MIN,
  RECONNECT_DELAY_MS_MAX,
  PEER_QUEUE_FRAMES_MAX,
  PEER_QUEUE_BYTES_MAX,
  INBOUND_CONNECTIONS_MAX,
  NODE_START_TIMEOUT_MS,
  NODE_STOP_TIMEOUT_MS,
};

/** Names of the blocks the document must mark, each checked by a test below. */
const EXAMPLE_NAMES = [
  'client-hello',
  'node-hello',
  'create-request-json',
  'create-request-frame',
  'create-response-prefix',
  'root-minted-part',
  'root-mac',
  'root-token-bytes',
  'root-token',
  'caveat-0-data',
  'attenuated-mac',
  'attenuated-token-bytes',
  'attenuated-token',
  'root-revoker-bytes',
  'root-revoker',
  'session',
  'constants',
];

const MARKER = /^<!-- example: ([a-z0-9-]+) -->$/;

/**
 * Returns the marked blocks of a Markdown text by name. A marker applies to the next line: the
 * body of a fenced code block that starts there, or the rows of a table.
 */
const parseExamples = (text: string): ReadonlyMap<string, string> => {
  const lines = text.split('\n');
  const examples = new Map<string, string>();

  lines.forEach((line, index) => {
    const name = MARKER.exec(line)?.[1];
    if (name === undefined) {
      return;
    }
    if (examples.has(name)) {
      throw new Error(`docs/wire.md marks two blocks as example ${name}: give each block its own name`);
    }

    const first = lines[index + 1] ?? '';
    const body: string[] = [];
    if (first.startsWith('```')) {
      for (let at = index + 2; at < lines.length && lines[at] !== '```'; at += 1) {
        body.push(lines[at] as string);
      }
    } else if (first.startsWith('|')) {
      for (let at = index + 1; at < lines.length && (lines[at] as string).startsWith('|'); at += 1) {
        body.push(lines[at] as string);
      }
    } else {
      throw new Error(`example ${name} in docs/wire.md is followed by neither a code block nor a table`);
    }
    examples.set(name, body.join('\n'));
  });

  return examples;
};

const docText = readFileSync(DOC_PATH, 'utf8');
const examples = parseExamples(docText);

const example = (name: string): string => {
  const body = examples.get(name);
  if (body === undefined) {
    throw new Error(`docs/wire.md has no block marked <!-- example: ${name} -->: restore it or remove its check`);
  }
  return body;
};

/** Bytes as the document writes them: lowercase hex pairs separated by single spaces. */
const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').replace(/(..)(?!$)/g, '$1 ');

/** The hex example `name` in the form `hexOf` writes, whatever its line breaks. */
const hexExample = (name: string): string => example(name).trim().split(/\s+/).join(' ');

const bytesOfHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex.replaceAll(' ', ''), 'hex'));

const hmacSha256 = (hmacKey: Uint8Array, data: Uint8Array): Uint8Array => new Uint8Array(createHmac('sha256', hmacKey).update(data).digest());

const rootCapability = () => mintCapability(key, { object: rootObject, slot: 0, version: 0, rights: ['grant', 'read', 'write'], caveats: [] });

/** An in-memory `Storage` that keeps durable and unsynced bytes apart, so that a restart can
 * start from the durable bytes only, as after a crash. */
class MemoryStorage implements Storage {
  private durable = new Uint8Array(0);
  private unsynced: Uint8Array[] = [];

  append(bytes: Uint8Array): void {
    this.unsynced.push(bytes.slice());
  }

  sync(): Promise<void> {
    this.durable = Buffer.concat([this.durable, ...this.unsynced]);
    this.unsynced = [];
    return Promise.resolve();
  }

  load(): Promise<Uint8Array> {
    return Promise.resolve(Buffer.concat([this.durable, ...this.unsynced]));
  }

  truncate(length: number): Promise<void> {
    this.durable = this.durable.slice(0, length);
    return Promise.resolve();
  }

  /** Returns the storage a restarted process finds: only what was synced. */
  afterCrash(): MemoryStorage {
    const restarted = new MemoryStorage();
    restarted.durable = this.durable.slice();
    return restarted;
  }
}

/** A transport that hands one request frame to the owner and returns the frame it sends back. */
class RequestTransport implements Transport {
  private handler: FrameHandler | undefined;
  private waiting: ((sent: { readonly to: string; readonly frame: Uint8Array }) => void) | undefined;

  send(to: string, frame: Uint8Array): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.({ to, frame: frame.slice() });
  }

  onFrame(handler: FrameHandler): void {
    this.handler = handler;
  }

  async request(from: string, frame: Uint8Array): Promise<{ readonly to: string; readonly frame: Uint8Array }> {
    const handler = this.handler;
    if (handler === undefined) {
      throw new Error('no frame handler is set: start the owner first');
    }

    let timer: NodeJS.Timeout | undefined;
    const response = new Promise<{ readonly to: string; readonly frame: Uint8Array }>((resolve, reject) => {
      this.waiting = resolve;
      timer = setTimeout(() => reject(new Error(`timed out after ${RESPONSE_TIMEOUT_MS} ms waiting for the response to ${decoder.decode(frame)}`)), RESPONSE_TIMEOUT_MS);
    });
    handler(from, frame);
    try {
      return await response;
    } finally {
      clearTimeout(timer);
    }
  }
}

const startOwner = (transport: Transport, storage: Storage): Promise<OwnerNode> =>
  OwnerNode.start({ node: n0, key, openLog: openRecordLog }, { transport, storage, logger: new MemoryLogger() });

type SessionStep =
  | { readonly kind: 'exchange'; readonly request: string; readonly response: string }
  | { readonly kind: 'restart' };

/** Parses the session block: `> request`, then `< response`, pairs, and `# restart` lines. */
const parseSession = (text: string): SessionStep[] => {
  const steps: SessionStep[] = [];
  let request: string | undefined;

  for (const line of text.split('\n')) {
    if (line === '') {
      continue;
    }
    if (line === '# restart' && request === undefined) {
      steps.push({ kind: 'restart' });
    } else if (line.startsWith('> ') && request === undefined) {
      request = line.slice(2);
    } else if (line.startsWith('< ') && request !== undefined) {
      steps.push({ kind: 'exchange', request, response: line.slice(2) });
      request = undefined;
    } else {
      throw new Error(`unexpected line in the session of docs/wire.md: ${line.slice(0, 80)}`);
    }
  }
  if (request !== undefined) {
    throw new Error('the session of docs/wire.md ends with a request that has no response line');
  }
  return steps;
};

const sessionSteps = parseSession(example('session'));

const firstResponse = (): string => {
  const first = sessionSteps[0];
  if (first?.kind !== 'exchange') {
    throw new Error('the session of docs/wire.md must start with a request and its response');
  }
  return first.response;
};

/** Reads exactly `count` bytes from `socket`, failing when it closes first or when they take
 * longer than RESPONSE_TIMEOUT_MS. */
const readBytes = (socket: Socket, count: number): Promise<Uint8Array> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const timer = setTimeout(() => {
      reject(new Error(`timed out after ${RESPONSE_TIMEOUT_MS} ms with ${received} of ${count} bytes received`));
    }, RESPONSE_TIMEOUT_MS);

    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.byteLength;
      if (received >= count) {
        clearTimeout(timer);
        resolve(Buffer.concat(chunks).subarray(0, count));
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      reject(new Error(`the connection closed after ${received} of ${count} bytes`));
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });

describe('docs/wire.md', () => {
  it('marks exactly the checked examples', () => {
    expect([...examples.keys()].sort()).toEqual([...EXAMPLE_NAMES].sort());
  });

  it('shows the hello frames', () => {
    expect(hexOf(encodeLengthPrefixed(encodeHello({ from: CLIENT_ID, to: n0 })))).toBe(hexExample('client-hello'));
    expect(hexOf(encodeLengthPrefixed(encodeHello({ from: n0, to: CLIENT_ID })))).toBe(hexExample('node-hello'));
  });

  it('shows the create request frame', () => {
    const frame = encodeFrame({ type: 'request', version: WIRE_VERSION, id: `${CLIENT_ID}:0`, body: { op: 'create', node: n0, value: 'hello' } });

    expect(decoder.decode(frame)).toBe(example('create-request-json'));
    expect(hexOf(encodeLengthPrefixed(frame))).toBe(hexExample('create-request-frame'));
    expect(hexOf(encodeLengthPrefixed(encoder.encode(example('create-request-json'))))).toBe(hexExample('create-request-frame'));
    expect(docText).toContain(`a ${frame.byteLength}-byte payload behind its length prefix`);
  });

  it('shows the create response prefix', () => {
    expect(hexOf(encodeLengthPrefixed(encoder.encode(firstResponse())).subarray(0, 4))).toBe(hexExample('create-response-prefix'));
    expect(docText).toContain(`a ${encoder.encode(firstResponse()).byteLength}-byte payload, so its frame`);
  });

  it('shows the root capability and its MAC', () => {
    const token = rootCapability();
    const minted = bytesOfHex(hexExample('root-minted-part'));

    expect(hexOf(encodeMintedPart(token))).toBe(hexExample('root-minted-part'));
    expect(hexOf(hmacSha256(KEY_BYTES, minted))).toBe(hexExample('root-mac'));
    expect(hexOf(token.mac)).toBe(hexExample('root-mac'));
    expect(hexOf(encodeTokenBytes(token))).toBe(hexExample('root-token-bytes'));
    expect(encodeToken(token)).toBe(example('root-token'));
    expect(Buffer.from(bytesOfHex(hexExample('root-token-bytes'))).toString('base64url')).toBe(example('root-token'));
  });

  it('shows one step of the MAC chain', () => {
    const attenuated = attenuateToken(rootCapability(), ['read']);
    if (E.isLeft(attenuated)) {
      throw new Error(`attenuating the root capability was refused: ${JSON.stringify(attenuated.left)}`);
    }
    const rootMac = bytesOfHex(hexExample('root-mac'));
    const caveatData = bytesOfHex(hexExample('caveat-0-data'));

    expect(hexOf(encodeCaveat(0, ['read']))).toBe(hexExample('caveat-0-data'));
    expect(hexOf(hmacSha256(rootMac, caveatData))).toBe(hexExample('attenuated-mac'));
    expect(hexOf(attenuated.right.mac)).toBe(hexExample('attenuated-mac'));
    expect(hexOf(encodeTokenBytes(attenuated.right))).toBe(hexExample('attenuated-token-bytes'));
    expect(encodeToken(attenuated.right)).toBe(example('attenuated-token'));
    expect(Buffer.from(bytesOfHex(hexExample('attenuated-token-bytes'))).toString('base64url')).toBe(example('attenuated-token'));
  });

  it('shows the root revoker', () => {
    const token = mintRevoker(key, { object: rootObject, slot: 0, version: 0 });
    const bytes = bytesOfHex(hexExample('root-revoker-bytes'));
    const mintedLength = encodeMintedPart(token).byteLength;

    expect(hexOf(encodeTokenBytes(token))).toBe(hexExample('root-revoker-bytes'));
    expect(hexOf(hmacSha256(KEY_BYTES, bytes.subarray(0, mintedLength)))).toBe(hexOf(bytes.subarray(bytes.byteLength - MAC_BYTES)));
    expect(encodeToken(token)).toBe(example('root-revoker'));
    expect(Buffer.from(bytes).toString('base64url')).toBe(example('root-revoker'));
  });

  it('session starts with the example tokens', () => {
    const first = JSON.parse(firstResponse()) as { result: { output: { cap: string; revoker: string } } };
    const third = sessionSteps[2];

    expect(first.result.output.cap).toBe(example('root-token'));
    expect(first.result.output.revoker).toBe(example('root-revoker'));
    expect(third?.kind === 'exchange' ? third.request : '').toContain(`"cap":"${example('attenuated-token')}"`);
  });

  it('session gets the documented responses', async () => {
    let storage = new MemoryStorage();
    let transport = new RequestTransport();
    await startOwner(transport, storage);

    for (const [index, step] of sessionSteps.entries()) {
      if (step.kind === 'restart') {
        storage = storage.afterCrash();
        transport = new RequestTransport();
        await startOwner(transport, storage);
        continue;
      }

      const sent = await transport.request(CLIENT_ID, encoder.encode(step.request));
      expect(sent.to, `step ${index + 1}`).toBe(CLIENT_ID);
      expect(decoder.decode(sent.frame), `step ${index + 1}: ${step.request}`).toBe(step.response);
    }
  });

  it('create over TCP gets the documented bytes', async () => {
    const transport = new TcpTransport({ id: n0, logger: new MemoryLogger() });
    await startOwner(transport, new MemoryStorage());
    const address = await transport.listen('127.0.0.1', 0);
    const socket = connect(address.port, '127.0.0.1');

    try {
      const nodeHello = bytesOfHex(hexExample('node-hello'));
      const response = encoder.encode(firstResponse());
      const arriving = readBytes(socket, nodeHello.byteLength + 4 + response.byteLength);
      socket.write(bytesOfHex(hexExample('client-hello')));
      socket.write(bytesOfHex(hexExample('create-request-frame')));
      const received = await arriving;

      expect(hexOf(received.subarray(0, nodeHello.byteLength))).toBe(hexExample('node-hello'));
      expect(hexOf(received.subarray(nodeHello.byteLength, nodeHello.byteLength + 4))).toBe(hexExample('create-response-prefix'));
      expect(decoder.decode(received.subarray(nodeHello.byteLength + 4))).toBe(firstResponse());
    } finally {
      socket.destroy();
      await transport.close();
    }
  });

  it('constants table matches the code', () => {
    const rows = example('constants')
      .split('\n')
      .map((row) => row.split('|').map((cell) => cell.trim()))
      .filter((cells) => /^`[A-Z_]+`$/.test(cells[1] ?? ''));
    const table = new Map(rows.map((cells) => [(cells[1] as string).slice(1, -1), Number(cells[2])]));

    expect([...table.keys()].sort()).toEqual(Object.keys(CONSTANTS).sort());
    for (const [name, value] of table) {
      expect(value, name).toBe(CONSTANTS[name]);
    }
  });

  it('prose gives the code values', () => {
    const mentions = [...docText.matchAll(/`([A-Z][A-Z0-9_]+)`\s+\(([0-9]+)/g)];

    expect(mentions.length).toBeGreaterThan(10);
    for (const [mention, name, value] of mentions) {
      expect(CONSTANTS[name as string], `${mention}: not a known constant`).toBeDefined();
      expect(Number(value), mention).toBe(CONSTANTS[name as string]);
    }
  });
});
