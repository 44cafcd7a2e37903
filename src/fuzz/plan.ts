/**
 * A fuzz plan: what one seed generates, as plain data. It is the fuzzer's own description of a world (the
 * clients' scripts, the site's files and locks, the network's faults), small and easy to shrink; one
 * function (scenario.ts) turns it into a scenario that the runner runs and `netstep run` replays.
 *
 * Why a plan and not the scenario itself: the shrinker edits meaning (drop this client, this transfer, turn
 * loss off, halve this file) and every edit must leave a consistent world (a REST stays before its RETR, an
 * APPE still names a file, a fault still names a port a transfer uses). Those rules are easy to keep on a
 * plan and tedious on a scenario. Times are whole milliseconds; sizes are bytes.
 */
import type { Profile } from '../ftp/config.ts';

/** A file of the site. Its content is the first `size` bytes of the test pattern (src/clients/bytes.ts). */
export interface PlanFile {
  readonly path: string;
  readonly size: number;
}

/** Another process opens a file for a time window: RETR and STOR of it get 550 meanwhile. */
export interface PlanLock {
  readonly path: string;
  readonly from: number;
  readonly until: number;
}

/** The random behaviour of the wire between the clients and the server (both directions); 0 is off. */
export interface PlanNet {
  readonly latency: number;
  readonly jitter: number;
  /** Mbit/s; 0: unlimited. */
  readonly bandwidth: number;
  readonly loss: number;
  readonly duplicate: number;
  readonly reorder: number;
  readonly reorderDelay: number;
}

/**
 * The server's settings a seed may change (the rest keep IIS's defaults): which reading of KB 2505047's
 * PASV wait, and shorter timeouts, so that the timeout paths run too. Times in seconds; null: the default.
 */
export interface PlanServer {
  readonly pasvWait: 'accept' | 'reply';
  readonly dataChannelTimeout: number | null;
  readonly controlChannelTimeout: number | null;
  /** Bytes per second below which a transfer is cut (IIS default 240); null: the default. */
  readonly minBytesPerSecond: number | null;
}

/** TCP options of every host a seed may change; null or false: the default. */
export interface PlanTcp {
  readonly delayedAck: boolean;
  readonly noDelay: boolean;
  /** A small receive buffer (bytes): small windows, zero windows and their probes. */
  readonly rcvBuf: number | null;
  /** MSL in ms (TIME-WAIT is twice it). */
  readonly msl: number | null;
}

/**
 * A scripted fault on the data connection whose client-side port is `port` (the transfer that uses it sets
 * that port): cut it for a window, or hold its segments (all, or only its FIN) until a time.
 */
export type PlanFault =
  | { readonly kind: 'partition'; readonly port: number; readonly from: number; readonly until: number }
  | {
      readonly kind: 'hold';
      readonly port: number;
      readonly fin: boolean;
      readonly from: number;
      readonly until: number;
    };

export type TransferMode = 'passive' | 'epsv' | 'active' | 'eprt';

export type PlanTransfer = {
  readonly mode: TransferMode;
  /** A client-side data port: a low port (below 1024), or the port a fault targets; null: the client picks. */
  readonly port: number | null;
  /** Delays of the connect and of the command after the 227/229/200 reply (the 125/150 race). */
  readonly connectDelay: number;
  readonly commandDelay: number;
  /** A slow reader: at most `readBytes` every `readEvery` ms; null reads at once. */
  readonly reader: { readonly bytes: number; readonly every: number } | null;
} & (
  | { readonly do: 'retr'; readonly path: string }
  | { readonly do: 'stor' | 'appe'; readonly path: string; readonly size: number }
  | { readonly do: 'list' | 'nlst'; readonly path: string | null; readonly options: string | null }
);

/**
 * A malformed control line. (Bytes that are not UTF-8 and Telnet IAC sequences are left to the parser fuzz,
 * test/src/fuzz/parser.test.ts: a scenario's 'send' step carries text, which it encodes as UTF-8.)
 */
export type RawLine = 'garbage' | 'lf-only' | 'nul' | 'long';

export type PlanStep =
  | { readonly do: 'login'; readonly user: 'anonymous' | 'fuzz' | 'nobody' }
  | { readonly do: 'cwd'; readonly path: string }
  | { readonly do: 'type'; readonly type: 'A' | 'I' }
  | { readonly do: 'abor' }
  | { readonly do: 'raw'; readonly line: RawLine }
  | { readonly do: 'wait'; readonly ms: number }
  | { readonly do: 'quit' }
  | PlanTransfer;

export interface PlanClient {
  readonly name: string;
  /** When it connects, and its pause between steps (ms). */
  readonly start: number;
  readonly think: number;
  readonly steps: readonly PlanStep[];
}

export interface FuzzPlan {
  readonly seed: number;
  readonly profile: Profile;
  /** The client model every client runs ('correct' or a behaviour). */
  readonly model: string;
  readonly files: readonly PlanFile[];
  readonly locks: readonly PlanLock[];
  readonly net: PlanNet;
  readonly server: PlanServer;
  readonly tcp: PlanTcp;
  readonly faults: readonly PlanFault[];
  readonly clients: readonly PlanClient[];
}

export const DEFAULT_SERVER: PlanServer = Object.freeze({
  pasvWait: 'accept',
  dataChannelTimeout: null,
  controlChannelTimeout: null,
  minBytesPerSecond: null,
});

export const DEFAULT_TCP: PlanTcp = Object.freeze({
  delayedAck: false,
  noDelay: false,
  rcvBuf: null,
  msl: null,
});

export function isTransfer(s: PlanStep): s is PlanTransfer {
  return s.do === 'retr' || s.do === 'stor' || s.do === 'appe' || s.do === 'list' || s.do === 'nlst';
}

/** How big a plan is, for summaries and for the shrinker's "smaller" order. */
export function planSize(p: FuzzPlan): { clients: number; steps: number; transfers: number; bytes: number } {
  let steps = 0;
  let transfers = 0;
  for (const c of p.clients) {
    steps += c.steps.length;
    transfers += c.steps.filter(isTransfer).length;
  }
  const bytes = p.files.reduce((n, f) => n + f.size, 0);
  return { clients: p.clients.length, steps, transfers, bytes };
}
