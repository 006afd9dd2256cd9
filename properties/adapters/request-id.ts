/**
 * Request ids read from frames without decoding them whole, for the adapters that record the
 * messages of a run and attribute each to its operation.
 */
const decoder = new TextDecoder();

/** Bytes at the start of a frame that are searched for the request id. */
const REQUEST_ID_SEARCH_BYTES = 256;

/** Maximum length of a request id taken from a frame, in characters. */
const REQUEST_ID_LENGTH_MAX = 64;

/** `"id":"` in ASCII. */
const ID_KEY = [0x22, 0x69, 0x64, 0x22, 0x3a, 0x22];

const QUOTE = 0x22;

/**
 * Pulls the request id out of a frame without a full decode: the first `"id":"<id>"`, with 1 to
 * REQUEST_ID_LENGTH_MAX characters and no quote in the id, that ends within the frame's first
 * REQUEST_ID_SEARCH_BYTES bytes. Returns `null` when there is none. The adapters run this on every
 * frame they record, so it scans bytes and decodes text only in the cases the scan leaves open.
 */
export const requestIdOf = (frame: Uint8Array): string | null => {
  const end = Math.min(frame.length, REQUEST_ID_SEARCH_BYTES);
  const keyAt = indexOfBytes(frame, ID_KEY, end);
  if (keyAt === -1) {
    // UTF-8 decoding makes these ASCII characters only from these bytes, so the text lacks them too.
    return null;
  }

  const start = keyAt + ID_KEY.length;
  let id = '';
  for (let index = start; index < end && index - start <= REQUEST_ID_LENGTH_MAX; index++) {
    const byte = frame[index] as number;
    if (byte === QUOTE) {
      return index === start ? requestIdOfText(frame) : id;
    }
    if (byte >= 0x80) {
      // A character of more than one byte: the text search counts characters as the regex does.
      return requestIdOfText(frame);
    }
    id += String.fromCharCode(byte);
  }
  return requestIdOfText(frame);
};

/** Runs the same search on the decoded text, for the frames that the byte scan cannot settle. */
const requestIdOfText = (frame: Uint8Array): string | null => {
  const match = /"id":"([^"]{1,64})"/.exec(decoder.decode(frame.subarray(0, REQUEST_ID_SEARCH_BYTES)));
  return match?.[1] ?? null;
};

/** Returns the index of the first occurrence of `pattern` that ends at or before `end`, or -1. */
const indexOfBytes = (bytes: Uint8Array, pattern: ReadonlyArray<number>, end: number): number => {
  for (let index = 0; index + pattern.length <= end; index++) {
    let matched = 0;
    while (matched < pattern.length && bytes[index + matched] === pattern[matched]) {
      matched++;
    }
    if (matched === pattern.length) {
      return index;
    }
  }
  return -1;
};
