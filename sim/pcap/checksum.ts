/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of the data
 * taken as big-endian 16-bit words, an odd last byte padded with zero. Used by the IPv4 header and, over
 * a pseudo-header, by TCP (RFC 9293 §3.1).
 */

/**
 * Adds the bytes [start, end) to a running sum, as big-endian 16-bit words. `start` must be even relative
 * to the start of the checksummed data for the words to line up. The sum is not folded: a sum over any IP
 * datagram (< 2^16 bytes) stays far below 2^32, so folding once at the end (`finishChecksum`) is enough.
 */
export function sumWords(bytes: Uint8Array, start: number, end: number, sum = 0): number {
  let i = start;
  for (; i + 1 < end; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i < end) sum += bytes[i]! << 8;
  return sum;
}

/** Folds the carries back in and complements: the value to put in the checksum field. */
export function finishChecksum(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** The Internet checksum of bytes [start, end). Over data that includes a correct checksum, it is 0. */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return finishChecksum(sumWords(bytes, start, end));
}
