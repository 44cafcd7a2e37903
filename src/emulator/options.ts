/**
 * What a caller of the emulator may set, its defaults, and the parsers of the command line's compact forms
 * (`--timeouts control=120s,data=30s`, `--pasv-ports 50000-50100`, `--user alice:secret`, `1GiB`).
 *
 * Owns: the driver's own limits (connections, uploads in memory, the delay of a failed login) and the
 * defaults the emulator gives the model where a real socket needs another value than the simulator (the
 * epoch, the seed, the passive port range). Leaves out: the model's settings themselves (src/ftp/config.ts
 * validates them) and the sockets (emulator.ts).
 */

import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { UsageError } from '../../sim/errors.ts';
import { parseDuration, SECOND, type Time } from '../../sim/time.ts';
import type { FtpConfigInput } from '../ftp/config.ts';
import type { EntryValue } from '../ftp/fs.ts';
import type { FtpInput, FtpOutput } from '../ftp/io.ts';
import type { LocalUser } from '../ftp/users.ts';

/** The driver's limits: what keeps one client, or many, from taking the emulator's memory or sockets. */
export interface Limits {
  /** Control connections at once (over it: a 421 reply, then close). IIS's maxConnections is unlimited. */
  readonly maxConnections: number;
  /** Control connections at once from one client address (over it: a 421 reply, then close). */
  readonly maxConnectionsPerIp: number;
  /** Bytes uploads may add to the in-memory site: files stored plus uploads in progress. */
  readonly maxUploadBytes: number;
  /**
   * How long a failed login's 530 is held. The session reads nothing more meanwhile, so a client cannot try
   * passwords faster than one per delay on one connection. Windows delays a failed LogonUser the same way.
   */
  readonly loginFailDelay: Time;
}

export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxConnections: 256,
  maxConnectionsPerIp: 64,
  maxUploadBytes: 1024 ** 3,
  loginFailDelay: SECOND,
});

/** Something the emulator fed to the model or carried out for it, in the order it happened. */
export type Observed =
  | { readonly at: Time; readonly kind: 'input'; readonly input: FtpInput }
  | { readonly at: Time; readonly kind: 'tick' }
  | { readonly at: Time; readonly kind: 'output'; readonly output: FtpOutput };

export interface EmulatorOptions {
  /** The IPv4 address to listen on: loopback by default; '0.0.0.0' for every interface. */
  readonly host?: string;
  /** The control port: 2121 by default; 0 picks a free port (see Emulator.port). */
  readonly port?: number;
  /**
   * The FTP model's settings (src/ftp/config.ts). The emulator's defaults where they differ from the model's:
   * `epochMs` is the wall clock at start, `seed` is random, and the passive range leaves out the system's
   * ephemeral ports (see `defaultPassiveRange`).
   */
  readonly config?: FtpConfigInput;
  /** The site's files, as fsFromEntries takes them: `{ 'docs/a.txt': 'text', 'empty/': null }`. */
  readonly files?: Readonly<Record<string, EntryValue>>;
  /** A directory copied into the site at start (site.ts says what is skipped); `files` are added to it. */
  readonly filesDir?: string;
  /** Site paths held open by another process from the start (RETR and STOR get the sharing violation). */
  readonly locks?: readonly string[];
  readonly limits?: Partial<Omit<Limits, 'loginFailDelay'>> & { readonly loginFailDelay?: Time | string };
  /** Receives the W3C log, header first, one line per call (no line end). Default: no log. */
  readonly log?: (line: string) => void;
  /** Receives the emulator's own notices (a fallback taken, a file skipped). Default: standard error. */
  readonly notice?: (text: string) => void;
  /** Sees every input fed to the model and every output carried out, in order (tracing, tests). */
  readonly observe?: (e: Observed) => void;
}

export function resolveLimits(given: EmulatorOptions['limits'] = {}): Limits {
  const limits = { ...DEFAULT_LIMITS, ...given } as Limits & { loginFailDelay: Time | string };
  for (const key of ['maxConnections', 'maxConnectionsPerIp', 'maxUploadBytes'] as const) {
    const v = limits[key];
    if (!Number.isSafeInteger(v) || v < 1)
      throw new UsageError(`emulator limit ${key}: ${v} is not a whole number >= 1`);
  }
  return { ...limits, loginFailDelay: parseDuration(limits.loginFailDelay, 'emulator limit loginFailDelay') };
}

/** The model speaks IPv4 only (227 replies, EPRT |1|), so the emulator listens on an IPv4 address. */
export function checkHost(host: string): string {
  if (!isIPv4(host)) {
    throw new UsageError(
      `--host ${JSON.stringify(host)}: give a dotted IPv4 address (the FTP model is IPv4 only)`,
    );
  }
  return host;
}

export function checkPort(port: number, what = '--port'): number {
  if (!Number.isSafeInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`${what} ${port}: not a port number in 0-65535`);
  }
  return port;
}

/**
 * The passive port range when none is given. The model's default is IIS's, 49152-65535, but Linux hands out
 * 32768-60999 to outgoing connections on the same machine (every client of a loopback test holds some), and a
 * passive listener on a port a client already holds fails (425). So the default keeps the part of 49152-65535
 * above the system's ephemeral range when there is one (61000-65535 on a stock Linux), and IIS's range
 * otherwise (another system, or an ephemeral range that reaches 65535).
 */
export function defaultPassiveRange(): { passivePortLow: number; passivePortHigh: number } {
  let low = 49152;
  try {
    const [, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (high !== undefined && Number.isSafeInteger(high) && high + 1 > low && high < 65535 - 255)
      low = high + 1;
  } catch {
    // Not Linux: IIS's range.
  }
  return { passivePortLow: low, passivePortHigh: 65535 };
}

/** A random seed for W3C session ids and the first passive port: IIS's GUIDs differ on every run too. */
export function randomSeed(): number {
  return randomInt(2 ** 31);
}

// ---- the command line's compact forms ----------------------------------------------------------------------

const TIMEOUT_KEYS: Readonly<Record<string, keyof FtpConfigInput>> = {
  control: 'controlChannelTimeout',
  data: 'dataChannelTimeout',
  unauth: 'unauthenticatedTimeout',
  minrate: 'minBytesPerSecond',
};

/** `control=120s,data=30s,unauth=30s,minrate=240` (any subset) → the model's settings. */
export function parseTimeouts(text: string): FtpConfigInput {
  const out: Record<string, string | number> = {};
  for (const part of text.split(',')) {
    const [key, value, ...extra] = part.split('=');
    const setting = key === undefined ? undefined : TIMEOUT_KEYS[key.trim()];
    if (setting === undefined || value === undefined || extra.length > 0) {
      throw new UsageError(
        `--timeouts ${JSON.stringify(text)}: write key=value pairs separated by commas, keys ${Object.keys(TIMEOUT_KEYS).join(', ')} (e.g. control=120s,data=30s,unauth=30s,minrate=240)`,
      );
    }
    if (setting === 'minBytesPerSecond') {
      if (!/^\d+$/.test(value.trim()))
        throw new UsageError(`--timeouts minrate=${value}: bytes per second, a whole number (0 disables)`);
      out[setting] = Number(value.trim());
    } else {
      parseDuration(value.trim(), `--timeouts ${key}`);
      out[setting] = value.trim();
    }
  }
  return out as FtpConfigInput;
}

/** `50000-50100` → the passive port range (the model checks it is within 1025-65535). */
export function parsePortRange(text: string): { passivePortLow: number; passivePortHigh: number } {
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(text.trim());
  if (m === null)
    throw new UsageError(`--pasv-ports ${JSON.stringify(text)}: write LOW-HIGH, e.g. 50000-50100`);
  return { passivePortLow: Number(m[1]), passivePortHigh: Number(m[2]) };
}

/** `alice:secret` or `CONTOSO\bob:secret` (the password is everything after the first ':'). */
export function parseUser(text: string): LocalUser {
  const colon = text.indexOf(':');
  if (colon <= 0) throw new UsageError(`--user ${JSON.stringify(text)}: write NAME:PASSWORD`);
  const who = text.slice(0, colon);
  const password = text.slice(colon + 1);
  const slash = who.indexOf('\\');
  if (slash < 0) return { name: who, password };
  if (slash === 0 || slash === who.length - 1)
    throw new UsageError(`--user ${JSON.stringify(text)}: write DOMAIN\\NAME:PASSWORD`);
  return { domain: who.slice(0, slash), name: who.slice(slash + 1), password };
}

const BYTE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  B: 1,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
};

/** `1073741824`, `512MiB`, `1GiB`, `64KiB` → bytes. */
export function parseBytes(text: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB)?$/.exec(text.trim());
  const n = m === null ? Number.NaN : Math.round(Number(m[1]) * BYTE_UNITS[m[2] ?? '']!);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`${what} ${JSON.stringify(text)}: a size in bytes, e.g. 1048576, 512MiB or 1GiB`);
  }
  return n;
}
