/**
 * Configuration of the FTP 7.5 server model: the profile, the site's timeouts and ports, the listing style,
 * the messages, the users, and the choices the model offers where the sources allow two readings.
 *
 * Owns: the settings, their defaults (each with the IIS attribute it stands for) and their validation.
 * Leaves out: the files of the site (an Fs, given to createServer) and anything a driver decides (addresses of
 * hosts, the wall clock). Not modelled: maxConnections, FTPS (no certificate is ever configured), virtual
 * directories, authorization rules, request filtering.
 *
 * `makeConfig` takes a partial description (durations may be written '30s') and returns a complete, frozen
 * value; a bad field is a UsageError that names it.
 */

import { UsageError } from '../../sim/errors.ts';
import { parseDuration, SECOND, type Time } from '../../sim/time.ts';
import { SITE_EPOCH_MS } from './calendar.ts';
import type { ListStyle } from './listing.ts';
import { DEFAULT_USER_DB, type UserDb } from './users.ts';

/** ftp75: FTP 7.5 as KB 2505047 describes it (default). iis6: the FTP service before it (facts §6b). */
export type Profile = 'ftp75' | 'iis6';

/**
 * KB 2505047: "FTP 7.5 does not start establishing the data connection for PASV or EPSV commands until the
 * data connection for an earlier FTP request is disconnected." Two readings (facts §5.3, §8):
 * - 'accept' (default): the 227/229 reply goes out at once and the listener holds the client's connection
 *   (does not answer its SYN) until the previous data connection is fully closed.
 * - 'reply': the 227/229 reply itself waits until the previous data connection is fully closed.
 * Why 'accept' is the default: the KB speaks of establishing the data connection, not of the reply, and FTP 7.5
 * answers the control channel independently of the data channel's background work (the same KB: 200 PORT
 * goes out while the handshake runs, 226 while the close runs). The facts sheet infers the same interleaving
 * (§5.3, scenario S7): the client's connect stalls, and a client that keeps the old connection open deadlocks
 * until the data channel timeout, then gets 425.
 */
export type PasvWait = 'accept' | 'reply';

/**
 * Who sees the detailed multi-line 550 form (`550-<text>` / ` Win32 error: ...` / ` Error details: ...` /
 * `550 End`, facts §1). IIS: ftpServer/messages allowLocalDetailedErrors=true, "Detailed error messages cannot
 * be displayed remotely": 'local' (default) shows it to clients on the server's own address or loopback.
 */
export type DetailedErrors = 'local' | 'never' | 'always';

/** The 331 reply to USER (facts §1: both texts exist on FTP 7.x; which build sends which is INFERRED). */
export type UserReply = 'for-user' | 'short';

export interface FtpConfig {
  readonly profile: Profile;
  /** Seeds everything the model derives: W3C session GUIDs, the first passive port, STOU names. */
  readonly seed: string | number;
  /** Simulated time 0 as milliseconds since the Unix epoch: MDTM replies and listings (default 2026-01-01Z). */
  readonly epochMs: number;
  /** connections/controlChannelTimeout (default 120 s, facts §4.1): idle logged-in session → closed, substatus 14. */
  readonly controlChannelTimeout: Time;
  /** connections/dataChannelTimeout (default 30 s): data channel inactivity → data channel closed, substatus 15. */
  readonly dataChannelTimeout: Time;
  /** connections/unauthenticatedTimeout (default 30 s): connect → login; else closed, substatus 16. */
  readonly unauthenticatedTimeout: Time;
  /** connections/minBytesPerSecond (default 240; 0 disables): slower transfers are cut, substatus 50. */
  readonly minBytesPerSecond: number;
  /** firewallSupport low/highDataChannelPort; 0/0 in IIS means the ephemeral range 49152-65535 (facts §4.2). */
  readonly passivePortLow: number;
  readonly passivePortHigh: number;
  /** firewallSupport externalIp4Address: the address put in 227 replies (default: the control connection's). */
  readonly externalIp4Address: string | null;
  /** INFERRED (facts §4.2, "typically from the server's port 20"): local port of active connections. */
  readonly activeDataPort: number;
  /** dataChannelSecurity matchClientAddressForPort (default true): PORT/EPRT to another IP → 501. */
  readonly matchClientAddressForPort: boolean;
  /** dataChannelSecurity matchClientAddressForPasv (default true): a data connection from another IP → reset. */
  readonly matchClientAddressForPasv: boolean;
  readonly pasvWait: PasvWait;
  /** directoryBrowse showFlags StyleUnix (default MS-DOS, facts §2.1). */
  readonly listingStyle: ListStyle;
  /** directoryBrowse showFlags LongDate: four-digit years in MS-DOS listings. */
  readonly longDate: boolean;
  /** The site's "Allow UTF8" (default true): FEAT lists LANG/UTF8, command lines are read as UTF-8. */
  readonly allowUtf8: boolean;
  readonly userReply: UserReply;
  /** messages/bannerMessage, greetingMessage, exitMessage, suppressDefaultBanner (facts §4.4). */
  readonly bannerMessage: string | null;
  readonly greetingMessage: string | null;
  readonly exitMessage: string | null;
  readonly suppressDefaultBanner: boolean;
  readonly detailedErrors: DetailedErrors;
  /** fileHandling (facts §4.3, all false by default). */
  readonly allowReplaceOnRename: boolean;
  readonly keepPartialUploads: boolean;
  readonly allowReadUploadsInProgress: boolean;
  /**
   * INFERRED: whether FEAT lists AUTH/PBSZ/PROT/CCC. Every FEAT transcript of facts §1 lists them, and AUTH is
   * then refused with 534 because no certificate is configured (the model has no TLS). Default true.
   */
  readonly advertiseTls: boolean;
  /** INFERRED (no source gives IIS's limit): a command line longer than this many bytes gets a 500 reply. */
  readonly maxLineBytes: number;
  /**
   * Not an IIS setting: the most bytes a download hands the driver in one data-send before waiting for
   * data-drained (flow control). 64 KiB, the size of a typical socket send buffer.
   */
  readonly sendChunkBytes: number;
  /**
   * Not an IIS setting: whether the model gives its trace notes (FtpOutput 'note': the command parsed, a data
   * channel's change of state, a timer fired, an input ignored). Default true. A driver that shows or records
   * no notes sets false and is spared making them: every other output is the same either way (tested in
   * test/src/ftp/session/model.test.ts).
   */
  readonly traceNotes: boolean;
  readonly users: UserDb;
}

const DURATIONS = ['controlChannelTimeout', 'dataChannelTimeout', 'unauthenticatedTimeout'] as const;

/** What a caller may give: any subset, durations as Time (ns) or as text ('30s', '2m'). */
export type FtpConfigInput = Partial<Omit<FtpConfig, (typeof DURATIONS)[number]>> & {
  readonly [K in (typeof DURATIONS)[number]]?: Time | string;
};

export const DEFAULT_CONFIG: FtpConfig = Object.freeze({
  profile: 'ftp75',
  seed: 1,
  epochMs: SITE_EPOCH_MS,
  controlChannelTimeout: 120 * SECOND,
  dataChannelTimeout: 30 * SECOND,
  unauthenticatedTimeout: 30 * SECOND,
  minBytesPerSecond: 240,
  passivePortLow: 49152,
  passivePortHigh: 65535,
  externalIp4Address: null,
  activeDataPort: 20,
  matchClientAddressForPort: true,
  matchClientAddressForPasv: true,
  pasvWait: 'accept',
  listingStyle: 'msdos',
  longDate: false,
  allowUtf8: true,
  userReply: 'for-user',
  bannerMessage: null,
  greetingMessage: null,
  exitMessage: null,
  suppressDefaultBanner: false,
  detailedErrors: 'local',
  allowReplaceOnRename: false,
  keepPartialUploads: false,
  allowReadUploadsInProgress: false,
  advertiseTls: true,
  maxLineBytes: 4096,
  sendChunkBytes: 65536,
  traceNotes: true,
  users: DEFAULT_USER_DB,
} satisfies FtpConfig);

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** A complete configuration from a partial one. Throws UsageError naming the first bad field. */
export function makeConfig(input: FtpConfigInput = {}): FtpConfig {
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(DEFAULT_CONFIG, key)) throw bad(key, 'is not a setting of the FTP server');
  }
  const durations: Partial<Record<(typeof DURATIONS)[number], Time>> = {};
  for (const key of DURATIONS) {
    const v = input[key];
    if (v !== undefined) durations[key] = parseDuration(v, `ftp config ${key}`);
  }
  const c: FtpConfig = { ...DEFAULT_CONFIG, ...(input as Partial<FtpConfig>), ...durations };
  oneOf('profile', c.profile, ['ftp75', 'iis6']);
  oneOf('pasvWait', c.pasvWait, ['accept', 'reply']);
  oneOf('listingStyle', c.listingStyle, ['msdos', 'unix']);
  oneOf('detailedErrors', c.detailedErrors, ['local', 'never', 'always']);
  oneOf('userReply', c.userReply, ['for-user', 'short']);
  for (const key of DURATIONS) {
    if (c[key] <= 0) throw bad(key, 'must be longer than 0');
  }
  for (const [key, byDefault] of Object.entries(DEFAULT_CONFIG)) {
    const v = c[key as keyof FtpConfig];
    if (typeof byDefault === 'boolean' && typeof v !== 'boolean')
      throw bad(key, `${JSON.stringify(v)} is not true or false`);
  }
  wholeNumber('minBytesPerSecond', c.minBytesPerSecond, 0);
  wholeNumber('maxLineBytes', c.maxLineBytes, 16);
  wholeNumber('sendChunkBytes', c.sendChunkBytes, 1);
  wholeNumber('epochMs', c.epochMs, Number.MIN_SAFE_INTEGER);
  port('activeDataPort', c.activeDataPort, 1);
  // The IIS configuration reference accepts explicit passive ports 1025-65535 (facts §4.2).
  port('passivePortLow', c.passivePortLow, 1025);
  port('passivePortHigh', c.passivePortHigh, 1025);
  if (c.passivePortHigh < c.passivePortLow) {
    throw bad('passivePortHigh', `${c.passivePortHigh} is below passivePortLow (${c.passivePortLow})`);
  }
  if (c.externalIp4Address !== null && !IPV4.test(c.externalIp4Address)) {
    throw bad('externalIp4Address', `${JSON.stringify(c.externalIp4Address)} is not a dotted IPv4 address`);
  }
  if (typeof c.seed !== 'string' && !Number.isFinite(c.seed))
    throw bad('seed', 'must be a string or a number');
  return Object.freeze(c);
}

function bad(field: string, why: string): UsageError {
  return new UsageError(`ftp config ${field}: ${why}`);
}

function oneOf(field: string, value: unknown, allowed: readonly string[]): void {
  if (!allowed.includes(value as string)) {
    throw bad(field, `${JSON.stringify(value)} is not one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  }
}

function wholeNumber(field: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min)
    throw bad(field, `${value} is not a whole number >= ${min}`);
}

function port(field: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > 65535) {
    throw bad(field, `${value} is not a port number in ${min}-65535`);
  }
}
