/**
 * The FTP site's W3C extended log (FTP 7 logs only W3C, facts §3): the header block, one line per entry, and
 * the x-session GUID of each control connection.
 *
 * Owns: field names and order, the escaping of values, UTC date and time from simulated time, session ids.
 * Leaves out: which entries are written and when (the session decides: one line per command at its final
 * reply, DataChannelOpened/Closed, ControlChannelOpened/Closed), log files, rollover, selective logging.
 */

import seedrandom from 'seedrandom';
import { assertNever, UsageError } from '../../sim/errors.ts';
import type { Time } from '../../sim/time.ts';
import { type Civil, civil, pad2 } from './calendar.ts';

/** Every column the model can write, in the order IIS writes them when they are selected. */
export type W3cField =
  | 'date'
  | 'time'
  | 'c-ip'
  | 'c-port'
  | 'cs-username'
  | 's-sitename'
  | 's-computername'
  | 's-ip'
  | 's-port'
  | 'cs-method'
  | 'cs-uri-stem'
  | 'sc-status'
  | 'sc-win32-status'
  | 'sc-substatus'
  | 'sc-bytes'
  | 'cs-bytes'
  | 'time-taken'
  | 'cs-host'
  | 'x-session'
  | 'x-fullpath'
  | 'x-debug';

/**
 * The default columns (logExtFileFlags default, facts §3.1, VERIFIED against a real IIS 10 log):
 * `date time c-ip cs-username s-ip s-port cs-method cs-uri-stem sc-status sc-win32-status sc-substatus
 * x-session x-fullpath`. ClientPort is not among them.
 */
export const W3C_FIELDS: readonly W3cField[] = [
  'date',
  'time',
  'c-ip',
  'cs-username',
  's-ip',
  's-port',
  'cs-method',
  'cs-uri-stem',
  'sc-status',
  'sc-win32-status',
  'sc-substatus',
  'x-session',
  'x-fullpath',
];

/**
 * logExtFileFlags names and the column each selects (facts §3.1). Columns of the non-default flags are
 * INFERRED (facts: "W3C column names for the non-default ones are INFERRED"); Info is written as x-debug.
 */
export const W3C_FLAG_FIELDS: Readonly<Record<string, W3cField>> = {
  Date: 'date',
  Time: 'time',
  ClientIP: 'c-ip',
  ClientPort: 'c-port',
  UserName: 'cs-username',
  SiteName: 's-sitename',
  ComputerName: 's-computername',
  ServerIP: 's-ip',
  ServerPort: 's-port',
  Method: 'cs-method',
  UriStem: 'cs-uri-stem',
  FtpStatus: 'sc-status',
  Win32Status: 'sc-win32-status',
  FtpSubStatus: 'sc-substatus',
  BytesSent: 'sc-bytes',
  BytesRecv: 'cs-bytes',
  TimeTaken: 'time-taken',
  Host: 'cs-host',
  Session: 'x-session',
  FullPath: 'x-fullpath',
  Info: 'x-debug',
};

const ORDER: readonly W3cField[] = [
  'date',
  'time',
  'c-ip',
  'c-port',
  'cs-username',
  's-sitename',
  's-computername',
  's-ip',
  's-port',
  'cs-method',
  'cs-uri-stem',
  'sc-status',
  'sc-win32-status',
  'sc-substatus',
  'sc-bytes',
  'cs-bytes',
  'time-taken',
  'cs-host',
  'x-session',
  'x-fullpath',
  'x-debug',
];

/**
 * The columns selected by a logExtFileFlags value such as 'Date, Time, ClientIP, ...' (the configuration's
 * comma-separated form), in IIS's column order whatever order the flags are written in. An unknown flag is a
 * configuration error that names it.
 */
export function fieldsFromFlags(flags: string): W3cField[] {
  const chosen = new Set<W3cField>();
  for (const raw of flags.split(',')) {
    const flag = raw.trim();
    if (flag === '') continue;
    const field = W3C_FLAG_FIELDS[flag];
    if (field === undefined) {
      throw new UsageError(
        `logExtFileFlags: unknown flag ${JSON.stringify(flag)} (known: ${Object.keys(W3C_FLAG_FIELDS).join(', ')})`,
      );
    }
    chosen.add(field);
  }
  return ORDER.filter((f) => chosen.has(f));
}

/** INFERRED (facts §3.1 shows 'Microsoft Internet Information Services 10.0' for IIS 10): FTP 7.5 writes 7.5. */
export const W3C_SOFTWARE = 'Microsoft Internet Information Services 7.5';

export interface W3cOptions {
  /** Simulated time 0 as milliseconds since the Unix epoch (default 2026-01-01T00:00:00Z). */
  readonly epochMs?: number;
  readonly fields?: readonly W3cField[];
}

/** The four header lines written at the top of a log file (facts §3.1). `now` is when the file is opened. */
export function w3cHeader(now: Time, software: string = W3C_SOFTWARE, opts: W3cOptions = {}): string[] {
  return [
    `#Software: ${software}`,
    '#Version: 1.0',
    `#Date: ${dateOf(civil(now, opts.epochMs))} ${timeOf(civil(now, opts.epochMs))}`,
    `#Fields: ${(opts.fields ?? W3C_FIELDS).join(' ')}`,
  ];
}

export interface LogEntry {
  at: Time;
  clientIp: string;
  /** cs-username: '-' (or '') until a non-anonymous login; 'MACHINE\\user' after (users.ts logName). */
  user: string;
  serverIp: string;
  /** 21 for commands and control-channel events, the server's data port for DataChannel* lines. */
  serverPort: number;
  /** The verb as the client sent it (`opts`, `PASV`) or ControlChannelOpened, DataChannelClosed, ... */
  method: string;
  /** The argument ('' when none); the PASS argument already replaced (users.ts passwordForLog). */
  uriStem: string;
  /** The final reply code, '' or '-' for channel events. */
  status: string;
  win32: number;
  substatus: number;
  session: string;
  /** The virtual path the command touched, '' when none. */
  fullPath: string;
  clientPort?: number;
  siteName?: string;
  computerName?: string;
  bytesSent?: number;
  bytesRecv?: number;
  /** Milliseconds, as IIS writes time-taken. */
  timeTaken?: number;
  host?: string;
  info?: string;
}

/**
 * One log line: the fields of `e` in the order of `opts.fields` (default W3C_FIELDS), separated by single spaces.
 * Date and time are UTC (facts §3.1) to the second, truncated. Each value is escaped by `w3cValue`.
 */
export function w3cLine(e: LogEntry, opts: W3cOptions = {}): string {
  const at = civil(e.at, opts.epochMs);
  let line = '';
  for (const f of opts.fields ?? W3C_FIELDS) {
    line += (line === '' ? '' : ' ') + w3cValue(fieldValue(e, f, at));
  }
  return line;
}

function num(n: number | undefined): string {
  return n === undefined ? '' : String(n);
}

// Hot path (one call per field per line): no closures inside, since tsx's keepNames wraps each one at a cost.
function fieldValue(e: LogEntry, f: W3cField, at: Civil): string {
  switch (f) {
    case 'date':
      return dateOf(at);
    case 'time':
      return timeOf(at);
    case 'c-ip':
      return e.clientIp;
    case 'c-port':
      return num(e.clientPort);
    case 'cs-username':
      return e.user;
    case 's-sitename':
      return e.siteName ?? '';
    case 's-computername':
      return e.computerName ?? '';
    case 's-ip':
      return e.serverIp;
    case 's-port':
      return String(e.serverPort);
    case 'cs-method':
      return e.method;
    case 'cs-uri-stem':
      return e.uriStem;
    case 'sc-status':
      return e.status;
    case 'sc-win32-status':
      return String(e.win32);
    case 'sc-substatus':
      return String(e.substatus);
    case 'sc-bytes':
      return num(e.bytesSent);
    case 'cs-bytes':
      return num(e.bytesRecv);
    case 'time-taken':
      return num(e.timeTaken);
    case 'cs-host':
      return e.host ?? '';
    case 'x-session':
      return e.session;
    case 'x-fullpath':
      return e.fullPath;
    case 'x-debug':
      return e.info ?? '';
    default:
      return assertNever(f, 'W3C field');
  }
}

/**
 * A value as the log writes it: '-' when empty; spaces as '+' (facts §3.2, VERIFIED: `opts utf8+on`).
 * INFERRED: tabs also become '+', and CR, LF and other C0 controls become %XX, so that one entry is always one
 * line of space-separated fields whatever bytes a client sends.
 */
export function w3cValue(v: string): string {
  if (v === '') return '-';
  if (!NEEDS_ESCAPE.test(v)) return v;
  return v
    .replace(/[ \t]/g, '+')
    .replace(
      /[\u0000-\u001f\u007f]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
    );
}

const NEEDS_ESCAPE = /[\u0000-\u0020\u007f]/;

function dateOf(c: Civil): string {
  return `${String(c.year).padStart(4, '0')}-${pad2(c.month)}-${pad2(c.day)}`;
}

function timeOf(c: Civil): string {
  return `${pad2(c.hour)}:${pad2(c.minute)}:${pad2(c.second)}`;
}

/**
 * The x-session id of the `index`-th control connection of a run: a GUID in the 8-4-4-4-12 form, lower case,
 * shaped like the random (version 4) GUIDs IIS writes (`2cf9cd35-e364-4b1a-ab27-fe9050daa5ea`), drawn from
 * its own seeded stream named after (seed, index), so that ids never depend on anything else in the run.
 */
export function sessionGuid(seed: string | number, index: number): string {
  if (!Number.isSafeInteger(index) || index < 0)
    throw new UsageError(`sessionGuid: index ${index} is not a whole number >= 0`);
  const prng = seedrandom.alea(`${seed}/ftp:session-guid/${index}`);
  const w0 = prng.int32();
  // RFC 4122 §4.4: version 4 in the high nibble of the 7th byte, variant 10xx in the 9th.
  const w1 = (prng.int32() & 0xffff0fff) | 0x00004000;
  const w2 = (prng.int32() & 0x3fffffff) | 0x80000000;
  const w3 = prng.int32();
  const hex = hex32(w0) + hex32(w1) + hex32(w2) + hex32(w3);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Two lower-case hex digits for each byte value. */
const HEX_BYTE = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/**
 * The 32 bits of `w` as 8 lower-case hex digits: what `(w >>> 0).toString(16).padStart(8, '0')` gives, by table.
 * Measured: a GUID took 4.5 µs, most of it in Number#toString(16) of values above 2^31 (V8's radix
 * conversion of a double), about 1% of the 10,000-session benchmark.
 */
function hex32(w: number): string {
  return (
    HEX_BYTE[(w >>> 24) & 255]! +
    HEX_BYTE[(w >>> 16) & 255]! +
    HEX_BYTE[(w >>> 8) & 255]! +
    HEX_BYTE[w & 255]!
  );
}
