/**
 * One direction of a path between two hosts, as a pure function: a segment of a given IP length enters at
 * `now`, and `transmit` says when its copies arrive, or why it was dropped. No engine, no timers: the queue
 * is tracked in the state as the start times of the segments still waiting, which drain as `now` advances.
 *
 * Model, in the order a segment meets it:
 * 1. Draws. The per-segment random numbers are drawn first, always in the same order (loss, duplicate,
 *    reorder, jitter, jitter of the copy), one for each feature the config turns on, whatever then happens
 *    to the segment. So the k-th segment on a path always gets the same draws for a given config and seed,
 *    and `drawsPerSegment(config)` says how many.
 * 2. MTU. An IP datagram larger than the MTU is dropped ('mtu'). Every segment has DF set and netstep does
 *    not model ICMP, so this is a black hole, as a misconfigured path is in life.
 * 3. Queue. The link serialises one segment at a time, FIFO, taking ceil(bytes * 8 / bandwidth) ns of IP
 *    bytes (link-layer framing is not counted, so '8Mbps' carries exactly 1000 IP bytes per ms). A segment
 *    that finds the link busy waits; if `queueLimit` segments are already waiting it is tail-dropped
 *    ('queue-full'). With infinite bandwidth nothing ever waits.
 * 4. Loss. A lost segment has used its share of the link (it is lost on the wire, after serialisation),
 *    then disappears ('loss').
 * 5. Propagation. Arrival = end of serialisation + latency + jitter, the jitter uniform over the whole
 *    nanoseconds in [0, jitter]. Jitter never reorders: an arrival is clamped to be no earlier than the
 *    previous in-order arrival on this path direction.
 * 6. Duplication. The copy is made past the link (it takes no queue space or link time), draws its own
 *    jitter, and arrives no earlier than the original.
 * 7. Reordering. A reordered segment (with its copy) arrives `reorderDelay` later than it would have, and
 *    does not hold back the segments behind it, so those sent within that delay overtake it.
 *
 * Not modelled: ICMP, fragmentation, link-layer framing overhead, correlated loss (Gilbert-Elliott), queue
 * disciplines other than tail-drop FIFO, bit errors that corrupt instead of drop.
 */

import { InvariantError } from '../errors.ts';
import { SECOND, type Time } from '../time.ts';
import type { PathConfig } from './path-config.ts';
import { drainStarted, EMPTY_WAIT_QUEUE, enqueueStart, type WaitQueue } from './path-queue.ts';

export {
  DEFAULT_PATH,
  type PathConfig,
  type PathOptions,
  parseBandwidth,
  pathConfig,
} from './path-config.ts';

export interface PathState {
  /** When the link finishes serialising the last segment it accepted. */
  readonly busyUntil: Time;
  /** Serialisation start times of accepted segments that had not started at the last call. */
  readonly waiting: WaitQueue;
  /** Arrival of the latest in-order segment: no later in-order segment arrives before it. */
  readonly lastArrival: Time;
  /** `now` of the last call; time never runs backwards on a path. */
  readonly lastSend: Time;
}

export type PathDrop = 'mtu' | 'queue-full' | 'loss';

export interface PathResult {
  readonly state: PathState;
  /** Arrival times at the far end, ascending: one, two when duplicated, none when dropped. */
  readonly deliveries: readonly Time[];
  /** Why the segment did not arrive; absent when it did. */
  readonly dropped?: PathDrop;
  /** How long the segment waited for the link before its serialisation started (absent for 'mtu', 'queue-full'). */
  readonly queued?: Time;
  /** True when the segment was held back by reorderDelay. */
  readonly reordered?: boolean;
}

export const IDLE_PATH: PathState = Object.freeze({
  busyUntil: 0,
  waiting: EMPTY_WAIT_QUEUE,
  lastArrival: 0,
  lastSend: 0,
});

/** How many numbers `transmit` draws from `random` per segment under this config, whatever happens to it. */
export function drawsPerSegment(config: PathConfig): number {
  let n = 0;
  if (config.loss > 0) n++;
  if (config.duplicate > 0) n++;
  if (config.reorder > 0) n++;
  if (config.jitter > 0) n += config.duplicate > 0 ? 2 : 1;
  return n;
}

/**
 * An ideal path: no bandwidth limit and nothing random. On it `transmit` delivers a segment within the MTU
 * exactly `latency` after `now`, whatever the state: nothing waits for the link, nothing is lost, and
 * arrivals keep their order because `now` never decreases. So a caller may skip the state for such a
 * segment (measured on bench/ftp.ts: the state and result objects were ~250 bytes of allocation per segment).
 */
export function isIdeal(config: PathConfig): boolean {
  return config.bandwidth === Number.POSITIVE_INFINITY && drawsPerSegment(config) === 0;
}

/**
 * Time to clock `ipBytes` onto a link of `bandwidth` bit/s: ceil(ipBytes * 8 / bandwidth) seconds, in whole
 * nanoseconds, computed exactly (the float quotient is corrected, so 1500 bytes at 12 Mbit/s is exactly
 * 1 ms and at 7 bit/s rounds up, never down).
 */
export function serialisationDelay(bandwidth: number, ipBytes: number): Time {
  if (bandwidth === Number.POSITIVE_INFINITY) return 0;
  const bits = ipBytes * 8 * SECOND; // < 2^53 for any IP datagram (<= 65535 bytes)
  let q = Math.floor(bits / bandwidth);
  while (q * bandwidth > bits) q--;
  while ((q + 1) * bandwidth <= bits) q++;
  return q * bandwidth === bits ? q : q + 1;
}

/** Segments waiting for the link at `now` (the one being serialised is not counted). */
export function queueDepth(state: PathState, now: Time): number {
  return drainStarted(state.waiting, now).size;
}

/**
 * Sends one segment of `ipBytes` IP-layer bytes (see `ipLength` in sim/pcap/wire.ts) into this path
 * direction at `now`. `random` returns numbers in [0, 1) from the seeded stream the caller owns for this
 * path direction; it is called exactly `drawsPerSegment(config)` times. `now` must not decrease from one
 * call to the next on the same state.
 */
export function transmit(
  state: PathState,
  config: PathConfig,
  ipBytes: number,
  now: Time,
  random: () => number,
): PathResult {
  if (now < state.lastSend) {
    throw new InvariantError(
      `path: time ran backwards (segment sent at ${now} ns after one at ${state.lastSend} ns)`,
    );
  }
  if (!Number.isInteger(ipBytes) || ipBytes <= 0) {
    throw new InvariantError(`path: a segment of ${ipBytes} IP bytes`);
  }

  // 1. Draws, all of them, in a fixed order, before anything is decided.
  const uLoss = config.loss > 0 ? random() : 1;
  const uDuplicate = config.duplicate > 0 ? random() : 1;
  const uReorder = config.reorder > 0 ? random() : 1;
  const jitter = config.jitter > 0 ? Math.floor(random() * (config.jitter + 1)) : 0;
  const copyJitter =
    config.jitter > 0 && config.duplicate > 0 ? Math.floor(random() * (config.jitter + 1)) : 0;

  // 2. MTU: DF is set on every datagram and ICMP is not modelled, so too big means gone.
  if (ipBytes > config.mtu) return { state: sent(state, state.waiting, now), deliveries: [], dropped: 'mtu' };

  // 3. FIFO queue with tail drop. Segments whose serialisation has started by now have left the queue.
  const drained = drainStarted(state.waiting, now);
  const start = Math.max(now, state.busyUntil);
  const waits = start > now;
  if (waits && drained.size >= config.queueLimit) {
    return { state: sent(state, drained, now), deliveries: [], dropped: 'queue-full' };
  }
  const end = start + serialisationDelay(config.bandwidth, ipBytes);
  const waiting = waits ? enqueueStart(drained, start) : drained;
  const queued = start - now;

  // 4. Loss on the wire: the segment used the link, then vanished.
  if (uLoss < config.loss) {
    return {
      state: { busyUntil: end, waiting, lastArrival: state.lastArrival, lastSend: now },
      deliveries: [],
      dropped: 'loss',
      queued,
    };
  }

  // 5. Propagation; jitter never lets a segment overtake one sent before it.
  const arrival = Math.max(end + config.latency + jitter, state.lastArrival);
  // 6. Duplication past the link: the copy arrives no earlier than the original.
  const copy =
    uDuplicate < config.duplicate ? Math.max(end + config.latency + copyJitter, arrival) : undefined;
  // 7. Reordering: held back by reorderDelay, without holding back those behind it.
  if (uReorder < config.reorder) {
    const d = config.reorderDelay;
    return {
      state: { busyUntil: end, waiting, lastArrival: state.lastArrival, lastSend: now },
      deliveries: copy === undefined ? [arrival + d] : [arrival + d, copy + d],
      queued,
      reordered: true,
    };
  }
  return {
    state: { busyUntil: end, waiting, lastArrival: copy ?? arrival, lastSend: now },
    deliveries: copy === undefined ? [arrival] : [arrival, copy],
    queued,
  };
}

/** The state after a send that did not reach the link. Built field by field: a spread measured 7x slower here. */
function sent(state: PathState, waiting: WaitQueue, now: Time): PathState {
  if (now === state.lastSend && waiting === state.waiting) return state;
  return { busyUntil: state.busyUntil, waiting, lastArrival: state.lastArrival, lastSend: now };
}
