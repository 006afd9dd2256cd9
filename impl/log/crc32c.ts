/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of ext4 metadata, iSCSI and
 * LevelDB logs. It is written out here, table-driven one byte at a time, instead of calling
 * `zlib.crc32`, which computes the other CRC-32 and exists only from Node 20.15, while
 * package.json admits any Node 20.
 */

const POLYNOMIAL_REFLECTED = 0x82f63b78;

const TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let value = byte;
    for (let bit = 0; bit < 8; bit++) {
      value = value & 1 ? (value >>> 1) ^ POLYNOMIAL_REFLECTED : value >>> 1;
    }
    table[byte] = value >>> 0;
  }
  return table;
})();

/**
 * Returns the CRC-32C of `bytes` as an unsigned 32-bit integer. Passing the result of an earlier
 * call as `previous` continues it, so `crc32c(b, crc32c(a))` equals the checksum of `a` then `b`.
 */
export const crc32c = (bytes: Uint8Array, previous = 0): number => {
  let crc = ~previous >>> 0;
  for (let index = 0; index < bytes.length; index++) {
    crc = (TABLE[(crc ^ (bytes[index] as number)) & 0xff] as number) ^ (crc >>> 8);
  }
  return ~crc >>> 0;
};
