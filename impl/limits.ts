/**
 * Limits of the reference implementation, in one place. The model's limits are re-exported
 * unchanged, so the implementation rejects at the same boundaries as the specification.
 */
export * from '../model/limits.ts';

/** Minimum length of an owner's MAC key, in bytes: a key shorter than the 32-byte SHA-256 output
 * weakens HMAC-SHA256. */
export const OWNER_KEY_BYTES_MIN = 32;

/** Maximum length of an object id inside a token, in bytes: OBJECT_ID_PATTERN admits a
 * 32-character owner, a slash and a 16-digit serial, all ASCII. */
export const TOKEN_OBJECT_ID_BYTES_MAX = 49;

/** Maximum length of a token string, in characters: the base64url length of the largest token
 * (102 bytes with the longest object id and CAVEATS_MAX caveats). Decoding checks it first, so
 * an oversized input costs no parsing. */
export const TOKEN_LENGTH_MAX = 136;

/** Maximum size of one message frame, in bytes: a write of the largest value with its token fits
 * many times over, and a receiver never buffers more than this for one message. */
export const FRAME_BYTES_MAX = 64 * 1024;

/** How long a client keeps retrying one request before it reports the outcome as indeterminate,
 * in milliseconds. */
export const REQUEST_DEADLINE_MS = 5_000;

/** First retry delay of a request, in milliseconds; each retry doubles it, up to the maximum. */
export const RETRY_DELAY_MS_MIN = 50;

/** Largest retry delay of a request, in milliseconds. */
export const RETRY_DELAY_MS_MAX = 1_000;

/** Maximum payload of one log record, in bytes: a record contains the effect of one request frame, so
 * 16 frames leave ample room, and recovery treats a larger length field as a corrupt header. */
export const LOG_RECORD_BYTES_MAX = 16 * FRAME_BYTES_MAX;

/** Maximum number of frames that the TCP transport queues for one peer, while it connects or
 * waits for 'drain'. A full queue drops its oldest frame, which the retrying protocol tolerates. */
export const PEER_QUEUE_FRAMES_MAX = 1_024;

/** Maximum bytes that the TCP transport queues for one peer, length prefixes included. It bounds
 * the memory one slow or absent peer can hold at 32 maximum-size frames. */
export const PEER_QUEUE_BYTES_MAX = 32 * FRAME_BYTES_MAX;

/** First delay before the TCP transport dials a peer again after a failed or lost connection, in
 * milliseconds. Each further failure doubles it, up to the maximum. */
export const RECONNECT_DELAY_MS_MIN = 50;

/** Largest delay between two dials of the same peer, in milliseconds. It equals the largest
 * request retry delay, so a restarted owner is reached no later than the next retry. */
export const RECONNECT_DELAY_MS_MAX = RETRY_DELAY_MS_MAX;

/** Time an accepted or dialed connection has to complete its hello exchange, in milliseconds. A
 * peer that stays silent longer is disconnected, so it cannot hold a connection slot for ever. */
export const HELLO_TIMEOUT_MS = 5_000;

/** Maximum number of connections a TCP listener accepts at once. Each connection buffers at most
 * one frame, so this bounds the receive memory of a listener at about 64 MiB. */
export const INBOUND_CONNECTIONS_MAX = 1_024;

/** Size of a node's secret key file, in bytes: 32 random bytes, which meets OWNER_KEY_BYTES_MIN. */
export const NODE_KEY_BYTES = 32;

/** Largest number of node processes `shardcap cluster` starts. Each node is a separate Node.js
 * process, so this bounds the memory and the processes that one command can take. */
export const CLUSTER_NODES_MAX = 64;

/** Time `shardcap cluster` gives each node process to load, recover its log and listen, in
 * milliseconds. A node that is not listening by then counts as failed. */
export const NODE_START_TIMEOUT_MS = 60_000;

/** Time `shardcap cluster` gives its node processes to exit after SIGTERM, in milliseconds, before
 * it sends SIGKILL. A clean stop only closes connections and syncs the record log. */
export const NODE_STOP_TIMEOUT_MS = 10_000;

/** Probes of port 0 before `shardcap cluster` gives up on finding a free port that it has not
 * chosen for another node already. */
export const FREE_PORT_ATTEMPTS_MAX = 100;

/** Largest `--config` file `shardcap node` reads, in bytes. A node config has four short fields
 * and one line per peer, so a larger file is the wrong file. */
export const NODE_CONFIG_BYTES_MAX = 1024 * 1024;

/** Largest recorded run file that decoding accepts, in bytes. Decoding keeps the text, the parsed
 * JSON and the decoded run in memory at once. A file of this size, almost all messages, took about
 * 3 s and 0.8 GiB of resident memory to decode with Node 20 on a 2-vCPU VM. */
export const RUN_FILE_BYTES_MAX = 256 * 1024 * 1024;
