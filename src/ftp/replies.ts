/**
 * Every reply the FTP 7.5 model writes on a control connection, for both profiles, in one table. Each entry
 * carries its code, its text under ftp75 and (where it differs) under iis6, and its source tag from the facts
 * sheet: VERIFIED (seen on the wire or in Microsoft's text) or INFERRED (our choice, with the reason).
 *
 * Owns: the texts and the RFC 959 reply form (single line, multi-line with `ddd-` ... `ddd `). Leaves out:
 * when a reply is sent (the session) and the Win32 texts themselves (win32.ts; a 550 adds the trailing space
 * IIS keeps from FormatMessage, facts §1).
 */

import type { Profile } from './config.ts';
import { substatusText, win32Text } from './win32.ts';

export type Tag = 'VERIFIED' | 'INFERRED';

/** A reply as lines of text: one line is `ddd text`; more are `ddd-first`, middle lines, `ddd last`. */
export interface Reply {
  readonly code: number;
  readonly lines: readonly string[];
}

type Text<P> = (p: P) => string | readonly string[];

export interface ReplyEntry<P = void> {
  readonly code: number;
  readonly ftp75: Text<P>;
  /** The iis6 text where it differs; absent means the same as ftp75. */
  readonly iis6?: Text<P>;
  readonly tag: Tag;
  /** The tag of the iis6 text when it differs from `tag`. */
  readonly iis6Tag?: Tag;
  /** Where the text comes from: a section of the facts sheet, or the reason for an INFERRED choice. */
  readonly source: string;
}

function entry<P = void>(e: ReplyEntry<P>): ReplyEntry<P> {
  return e;
}

const s = (text: string) => () => text;

/** The HELP verb list of IIS 10 ([T-cmd], facts §1, VERIFIED): `*` marks the unimplemented ones. */
// biome-ignore format: a table, as HELP prints it
export const HELP_VERBS_FTP75: readonly string[] = [
  'ABOR', 'ACCT', 'ADAT *', 'ALLO', 'APPE', 'AUTH', 'CCC', 'CDUP', 'CWD', 'DELE', 'ENC *', 'EPRT', 'EPSV', 'FEAT',
  'HELP', 'HOST', 'LANG', 'LIST', 'MDTM', 'MIC *', 'MKD', 'MODE', 'NLST', 'NOOP', 'OPTS', 'PASS', 'PASV', 'PBSZ',
  'PORT', 'PROT', 'PWD', 'QUIT', 'REIN', 'REST', 'RETR', 'RMD', 'RNFR', 'RNTO', 'SITE', 'SIZE', 'SMNT', 'STAT',
  'STOR', 'STOU', 'STRU', 'SYST', 'TYPE', 'USER', 'XCUP', 'XCWD', 'XMKD', 'XPWD', 'XRMD',
];

/**
 * INFERRED (facts §6b): the IIS 6 list is the same without what FTP 7 added (FTPS: ADAT AUTH CCC ENC MIC PBSZ
 * PROT; EPRT EPSV; HOST; LANG OPTS). No IIS 6 HELP transcript is known.
 */
export const HELP_VERBS_IIS6: readonly string[] = HELP_VERBS_FTP75.filter(
  (v) => !/^(ADAT|AUTH|CCC|ENC|MIC|PBSZ|PROT|EPRT|EPSV|HOST|LANG|OPTS)\b/.test(v),
);

/**
 * `HELP <verb>` texts. VERIFIED for DELE ([T-cmd]: `214 Syntax: dele <sp> file-name - (delete file)`); the
 * others INFERRED in the same form, after the argument syntax of RFC 959, 2389, 2428, 3659, 4217 and 7151.
 */
export const HELP_SYNTAX: Readonly<Record<string, string>> = {
  ABOR: 'abor - (abort operation)',
  ACCT: 'acct <sp> account-information - (send account information)',
  ALLO: 'allo <sp> decimal-integer - (allocate storage)',
  APPE: 'appe <sp> file-name - (append to file)',
  AUTH: 'auth <sp> mechanism-name - (security mechanism)',
  CCC: 'ccc - (clear command channel)',
  CDUP: 'cdup - (change to parent directory)',
  CWD: 'cwd [ <sp> directory-name ] - (change working directory)',
  DELE: 'dele <sp> file-name - (delete file)',
  EPRT: 'eprt <sp> |net-prt|net-addr|tcp-port| - (extended port)',
  EPSV: 'epsv [ <sp> net-prt | ALL ] - (extended passive mode)',
  FEAT: 'feat - (list features)',
  HELP: 'help [ <sp> <string> ] - (help)',
  HOST: 'host <sp> host-name - (virtual host)',
  LANG: 'lang [ <sp> language-tag ] - (language)',
  LIST: 'list [ <sp> path-name ] - (list files)',
  MDTM: 'mdtm [ <sp> yyyymmddhhmmss ] <sp> file-name - (modification time)',
  MKD: 'mkd <sp> path-name - (make directory)',
  MODE: 'mode <sp> mode-code - (transfer mode)',
  NLST: 'nlst [ <sp> path-name ] - (name list)',
  NOOP: 'noop - (no operation)',
  OPTS: 'opts <sp> command-name [ <sp> command-options ] - (options)',
  PASS: 'pass <sp> password - (login password)',
  PASV: 'pasv - (passive mode)',
  PBSZ: 'pbsz <sp> decimal-integer - (protection buffer size)',
  PORT: 'port <sp> b0, b1, b2, b3, b4, b5 - (data port)',
  PROT: 'prot <sp> prot-code - (data channel protection level)',
  PWD: 'pwd - (print working directory)',
  QUIT: 'quit - (logout)',
  REIN: 'rein - (reinitialize)',
  REST: 'rest <sp> marker - (restart transfer)',
  RETR: 'retr <sp> file-name - (retrieve file)',
  RMD: 'rmd <sp> path-name - (remove directory)',
  RNFR: 'rnfr <sp> file-name - (rename from)',
  RNTO: 'rnto <sp> file-name - (rename to)',
  SITE: 'site <sp> string - (site parameters)',
  SIZE: 'size <sp> file-name - (file size)',
  SMNT: 'smnt <sp> pathname - (structure mount)',
  STAT: 'stat [ <sp> path-name ] - (status)',
  STOR: 'stor <sp> file-name - (store file)',
  STOU: 'stou [ <sp> file-name ] - (store unique file)',
  STRU: 'stru <sp> file-structure - (file structure)',
  SYST: 'syst - (system type)',
  TYPE: 'type <sp> type-code - (transfer type)',
  USER: 'user <sp> username - (login user)',
  XCUP: 'xcup - (change to parent directory)',
  XCWD: 'xcwd [ <sp> directory-name ] - (change working directory)',
  XMKD: 'xmkd <sp> path-name - (make directory)',
  XPWD: 'xpwd - (print working directory)',
  XRMD: 'xrmd <sp> path-name - (remove directory)',
};

/** RFC 959 §4.2: a quote inside a quoted path name is doubled. */
function quoted(path: string): string {
  return `"${path.replaceAll('"', '""')}"`;
}

export const R = {
  // ---- connection and login ------------------------------------------------------------------------------
  banner: entry<{ message: string | null; suppressDefault: boolean }>({
    code: 220,
    ftp75: ({ message, suppressDefault }) =>
      message === null
        ? 'Microsoft FTP Service'
        : suppressDefault
          ? message.split(/\r?\n/)
          : ['Microsoft FTP Service', ...message.split(/\r?\n/)],
    tag: 'VERIFIED',
    source:
      'facts §1 Banner; custom banner: FluentFTP #122 (220- form), suppressDefaultBanner [CFG-messages]',
  }),
  hostAccepted: entry({
    code: 220,
    ftp75: s('Host accepted.'),
    tag: 'VERIFIED',
    source: 'facts §1 HOST (McMurray 2013 transcript); IIS 6 has no HOST',
  }),
  userAnonymous: entry({
    code: 331,
    ftp75: s('Anonymous access allowed, send identity (e-mail name) as password.'),
    tag: 'VERIFIED',
    source: 'facts §1 USER anonymous; same on IIS 6',
  }),
  userPassword: entry<{ user: string }>({
    code: 331,
    ftp75: ({ user }) => `Password required for ${user}.`,
    tag: 'VERIFIED',
    source:
      'facts §1 USER (variant): FTP 7.5-era transcripts; INFERRED that 7.5 sends this form (config userReply)',
  }),
  userPasswordShort: entry({
    code: 331,
    ftp75: s('Password required'),
    tag: 'VERIFIED',
    source: 'facts §1 USER (normal): newer builds and Azure; chosen with config userReply=short',
  }),
  loggedIn: entry<{ user: string; anonymous: boolean }>({
    code: 230,
    ftp75: s('User logged in.'),
    iis6: ({ user, anonymous }) => (anonymous ? 'Anonymous user logged in.' : `User ${user} logged in.`),
    tag: 'VERIFIED',
    source: 'facts §1 PASS ok; IIS 6 texts from FluentFTP #387 and the ftp.microsoft.com transcript',
  }),
  loginFailed: entry<{ user: string }>({
    code: 530,
    ftp75: s('User cannot log in.'),
    iis6: ({ user }) => `User ${user} cannot log in.`,
    tag: 'VERIFIED',
    iis6Tag: 'INFERRED',
    source: 'facts §1 PASS bad; the IIS 6 text is the facts sheet inference',
  }),
  homeInaccessible: entry({
    code: 530,
    ftp75: s('User cannot log in, home directory inaccessible.'),
    tag: 'VERIFIED',
    source: 'facts §1 PASS ok but home directory missing',
  }),
  notLoggedIn: entry({
    code: 530,
    ftp75: s('Please login with USER and PASS.'),
    tag: 'VERIFIED',
    source: 'facts §1 Any command before login',
  }),
  loginWithUserFirst: entry({
    code: 503,
    ftp75: s('Login with USER first.'),
    tag: 'INFERRED',
    source: 'PASS without USER: RFC 959 503 (bad sequence); text not in the facts sheet',
  }),
  goodbye: entry<{ message: string | null }>({
    code: 221,
    ftp75: ({ message }) => (message === null ? 'Goodbye.' : message.split(/\r?\n/)),
    tag: 'VERIFIED',
    source: 'facts §1 QUIT; exitMessage [CFG-messages] replaces it (INFERRED: multi-line when it has lines)',
  }),
  rein: entry({
    code: 220,
    ftp75: s('REIN command successful.'),
    tag: 'INFERRED',
    source: 'RFC 959 REIN → 220; text after the uniform "<VERB> command successful." pattern of IIS',
  }),
  acct: entry({
    code: 202,
    ftp75: s('Command not implemented, superfluous at this site.'),
    tag: 'INFERRED',
    source: 'RFC 959 202 text (listed in KB 969061); IIS has no accounts',
  }),
  timeout: entry<{ seconds: number }>({
    code: 421,
    ftp75: ({ seconds }) => `Timeout (${seconds} seconds): closing control connection.`,
    tag: 'INFERRED',
    iis6Tag: 'VERIFIED',
    source:
      'facts §6b: IIS 6 VERIFIED; FTP 7.5 not observed (facts §8). We keep the IIS 6 text for 7.5 rather than ' +
      'close silently, so that a client learns why (substatus 14/16 in the log either way)',
  }),

  // ---- informational -------------------------------------------------------------------------------------
  syst: entry({ code: 215, ftp75: s('Windows_NT'), tag: 'VERIFIED', source: 'facts §1 SYST; same on IIS 6' }),
  feat: entry<{ utf8: boolean; tls: boolean }>({
    code: 211,
    ftp75: ({ utf8, tls }) => [
      'Extended features supported:',
      ...(utf8 ? [' LANG EN*', ' UTF8'] : []),
      ...(tls ? [' AUTH TLS;TLS-C;SSL;TLS-P;', ' PBSZ', ' PROT C;P;', ' CCC'] : []),
      ' HOST',
      ' SIZE',
      ' MDTM',
      ' REST STREAM',
      'END',
    ],
    iis6: () => ['FEAT', '    SIZE', '    MDTM', 'END'],
    tag: 'VERIFIED',
    source: 'facts §1 FEAT (both profiles; without LANG/UTF8 when UTF8 is off)',
  }),
  help: entry({
    code: 214,
    ftp75: () => [
      "The following commands are recognized (* ==>'s unimplemented).",
      ...HELP_VERBS_FTP75.map((v) => `    ${v}`),
      'HELP command successful.',
    ],
    iis6: () => [
      "The following commands are recognized (* ==>'s unimplemented).",
      ...HELP_VERBS_IIS6.map((v) => `    ${v}`),
      'HELP command successful.',
    ],
    tag: 'VERIFIED',
    iis6Tag: 'INFERRED',
    source: 'facts §1 HELP and its verb list ([T-cmd]); the IIS 6 list is INFERRED (see HELP_VERBS_IIS6)',
  }),
  helpVerb: entry<{ verb: string }>({
    code: 214,
    ftp75: ({ verb }) => `Syntax: ${HELP_SYNTAX[verb] ?? verb.toLowerCase()}`,
    tag: 'VERIFIED',
    source: 'facts §1 HELP verb (DELE VERIFIED; the others INFERRED, see HELP_SYNTAX)',
  }),
  helpUnknown: entry<{ verb: string }>({
    code: 501,
    ftp75: ({ verb }) => `Unknown command ${verb}.`,
    tag: 'INFERRED',
    source: 'HELP of a verb the server does not know: RFC 959 501 (bad parameter); text ours',
  }),
  status: entry<{ lines: readonly string[] }>({
    code: 211,
    ftp75: ({ lines }) => ['Microsoft FTP Service status:', ...lines.map((l) => ` ${l}`), 'End of status.'],
    tag: 'INFERRED',
    source:
      'STAT without argument: RFC 959 211 multi-line; no IIS transcript (lines as IIS 6 was remembered)',
  }),
  statusOf: entry<{ arg: string; listing: readonly string[] }>({
    code: 213,
    ftp75: ({ arg, listing }) => [`Status of ${arg}:`, ...listing, 'End of status.'],
    tag: 'INFERRED',
    source: 'STAT <path>: RFC 959 (a listing over the control connection, 213); text ours',
  }),
  noop: entry({
    code: 200,
    ftp75: s('NOOP command successful.'),
    tag: 'INFERRED',
    source: 'facts §1 NOOP (INFERRED there), the uniform IIS pattern',
  }),
  /** `200 <VERB [ARG]> command successful.` for PORT, EPRT (VERIFIED), MODE S, STRU F, ALLO (INFERRED). */
  commandOk: entry<{ what: string }>({
    code: 200,
    ftp75: ({ what }) => `${what} command successful.`,
    tag: 'VERIFIED',
    source: 'facts §1 PORT/EPRT/PBSZ/PROT ok; MODE S, STRU F, ALLO, EPSV ALL by the same pattern (INFERRED)',
  }),
  optsUtf8: entry<{ on: boolean }>({
    code: 200,
    ftp75: ({ on }) => `OPTS UTF8 command successful - UTF8 encoding now ${on ? 'ON' : 'OFF'}.`,
    tag: 'VERIFIED',
    source: 'facts §1 OPTS UTF8 ON (VERIFIED); the OFF text INFERRED',
  }),
  optionNotSupported: entry({
    code: 501,
    ftp75: s('Option not supported.'),
    tag: 'INFERRED',
    source: 'OPTS of an unknown option: RFC 2389 §4 (501); text ours',
  }),
  lang: entry({
    code: 200,
    ftp75: s('LANG command successful.'),
    tag: 'INFERRED',
    source: 'FEAT advertises LANG EN* (RFC 2640 §4.3, 200); text after the uniform IIS pattern',
  }),
  typeSet: entry<{ type: 'A' | 'I' }>({
    code: 200,
    ftp75: ({ type }) => `Type set to ${type}.`,
    tag: 'VERIFIED',
    source: 'facts §1 TYPE A / TYPE I; same on IIS 6',
  }),

  // ---- generic errors ------------------------------------------------------------------------------------
  unknownCommand: entry<{ line: string }>({
    code: 500,
    ftp75: s('Command not understood.'),
    iis6: ({ line }) => `'${line}': command not understood`,
    tag: 'VERIFIED',
    source: "facts §1 Unknown verb; IIS 6 `500 'EPSV': command not understood` (FluentFTP #387)",
  }),
  lfOnly: entry({
    code: 451,
    ftp75: s('The parameter is incorrect.'),
    tag: 'VERIFIED',
    source: 'KB 2505047 (LF as end of line), facts §0.4; Win32 87 in the log',
  }),
  badParameters: entry({
    code: 501,
    ftp75: s('Invalid number of parameters.'),
    tag: 'VERIFIED',
    source: 'facts §1 USER with no argument ([T-cmd]); used for every missing required argument',
  }),
  notUtf8: entry({
    code: 501,
    ftp75: s('No mapping for the Unicode character exists in the target multi-byte code page.'),
    tag: 'INFERRED',
    source:
      'a command line that is not UTF-8 while UTF8 is on: the FormatMessage text of ERROR_NO_UNICODE_TRANSLATION ' +
      '(1113), the error MultiByteToWideChar gives; 501 as a syntax error in the arguments',
  }),
  badSequence: entry({
    code: 503,
    ftp75: s('Bad sequence of commands.'),
    tag: 'INFERRED',
    source: 'RNTO without RNFR, HOST after USER, PBSZ/PROT without AUTH: RFC 959/4217/7151 503; text RFC 959',
  }),
  notImplemented: entry({
    code: 502,
    ftp75: s('Command not implemented.'),
    tag: 'INFERRED',
    source: 'the verbs HELP marks unimplemented (ADAT ENC MIC) and SITE/SMNT: RFC 959 502',
  }),
  parameterNotImplemented: entry({
    code: 504,
    ftp75: s('Command not implemented for that parameter.'),
    tag: 'INFERRED',
    source: 'TYPE E, MODE B, STRU R ...: RFC 959 504 (facts §1 MODE/STRU: other values → 504)',
  }),
  authNoTls: entry({
    code: 534,
    ftp75: s('Local policy on server does not allow TLS secure connections.'),
    tag: 'INFERRED',
    source:
      'AUTH on a site without an SSL certificate: RFC 4217 534 (policy refuses); not in the facts sheet',
  }),

  // ---- file system ---------------------------------------------------------------------------------------
  pwd: entry<{ path: string }>({
    code: 257,
    ftp75: ({ path }) => `${quoted(path)} is current directory.`,
    tag: 'VERIFIED',
    source: 'facts §1 PWD; same on IIS 6',
  }),
  /** `250 <VERB> command successful.` for CWD, DELE, XRMD, RNTO (VERIFIED); CDUP, RMD ... (same pattern). */
  fileActionOk: entry<{ verb: string }>({
    code: 250,
    ftp75: ({ verb }) => `${verb} command successful.`,
    tag: 'VERIFIED',
    source: 'facts §1 CWD/DELE/XRMD/RNTO; CDUP/XCUP/RMD/XCWD INFERRED from the same pattern',
  }),
  directoryCreated: entry<{ name: string }>({
    code: 257,
    ftp75: ({ name }) => `${quoted(name)} directory created.`,
    tag: 'VERIFIED',
    source: 'facts §1 MKD/XMKD (the name as the client gave it)',
  }),
  renamePending: entry({
    code: 350,
    ftp75: s('Requested file action pending further information.'),
    tag: 'VERIFIED',
    source: 'facts §1 RNFR',
  }),
  restarting: entry<{ offset: number }>({
    code: 350,
    ftp75: ({ offset }) => `Restarting at ${offset}.`,
    tag: 'INFERRED',
    source: 'facts §1 REST (INFERRED there)',
  }),
  fileStatus: entry<{ value: string }>({
    code: 213,
    ftp75: ({ value }) => value,
    tag: 'VERIFIED',
    source: 'facts §1 SIZE (VERIFIED) and MDTM (set form VERIFIED, query INFERRED)',
  }),
  /** A Win32 error as IIS sends it to a remote client: the FormatMessage text and its trailing space. */
  win32Error: entry<{ win32: number }>({
    code: 550,
    ftp75: ({ win32 }) => `${win32Text(win32)} `,
    tag: 'VERIFIED',
    source:
      'facts §1 trailing-space quirk (FluentFTP #503, #240; TinyFTPClient #12); sharing violation: allsky',
  }),
  /** The detailed form a local client sees (allowLocalDetailedErrors). */
  win32ErrorDetailed: entry<{ win32: number; substatus: number }>({
    code: 550,
    ftp75: ({ win32, substatus }) => [
      win32Text(win32),
      ` Win32 error:   ${win32Text(win32)}`,
      ` Error details: ${substatusText(substatus)}`,
      'End',
    ],
    tag: 'VERIFIED',
    source: 'facts §1 Detailed error form ([T-cmd], three spaces after "Win32 error:")',
  }),

  // ---- data channel --------------------------------------------------------------------------------------
  portRejected: entry({
    code: 501,
    ftp75: s('Server cannot accept argument.'),
    tag: 'VERIFIED',
    source: 'facts §1 PORT rejected (nmap ftp-bounce vs IIS 7.5); also a PORT/EPRT that does not parse',
  }),
  networkProtocol: entry({
    code: 522,
    ftp75: s('Network protocol not supported, use (1)'),
    tag: 'INFERRED',
    source: 'EPRT/EPSV with a protocol other than 1 (IPv4): RFC 2428 §2 522 reply; the model is IPv4 only',
  }),
  passive: entry<{ addr: string; port: number }>({
    code: 227,
    ftp75: ({ addr, port }) =>
      `Entering Passive Mode (${addr.replaceAll('.', ',')},${port >> 8},${port & 255}).`,
    tag: 'VERIFIED',
    source: 'facts §1 PASV (with the trailing period)',
  }),
  extendedPassive: entry<{ port: number }>({
    code: 229,
    ftp75: ({ port }) => `Entering Extended Passive Mode (|||${port}|)`,
    tag: 'VERIFIED',
    source: 'facts §1 EPSV (no trailing period); not on IIS 6',
  }),
  alreadyOpen: entry({
    code: 125,
    ftp75: s('Data connection already open; Transfer starting.'),
    tag: 'VERIFIED',
    source: 'facts §1 (capital T); KB 2505047',
  }),
  opening: entry<{ binary: boolean; name: string | null; size: number | null }>({
    code: 150,
    ftp75: ({ binary }) => `Opening ${binary ? 'BINARY' : 'ASCII'} mode data connection.`,
    iis6: ({ binary, name, size }) =>
      `Opening ${binary ? 'BINARY' : 'ASCII'} mode data connection` +
      (name === null ? '.' : ` for ${name}${size === null ? '' : `(${size} bytes)`}.`),
    tag: 'VERIFIED',
    iis6Tag: 'INFERRED',
    source:
      'facts §1: 7.5 has no file name; IIS 6 `… for /bin/ls.` VERIFIED for LIST, `for <file>(<n> bytes).` INFERRED',
  }),
  transferComplete: entry({
    code: 226,
    ftp75: s('Transfer complete.'),
    tag: 'VERIFIED',
    source: 'facts §1 transfer done; same on IIS 6',
  }),
  cannotOpen: entry({
    code: 425,
    ftp75: s('Cannot open data connection.'),
    iis6: s("Can't open data connection."),
    tag: 'VERIFIED',
    iis6Tag: 'INFERRED',
    source: 'facts §1 data connection could not be made; IIS 6 text is the facts sheet inference',
  }),
  dataTimedOut: entry({
    code: 425,
    ftp75: s('Data channel timed out.'),
    tag: 'INFERRED',
    source:
      'an open data channel idle for dataChannelTimeout during a transfer: by analogy with the VERIFIED ' +
      "minimum-bandwidth reply, whose text is its substatus description; this is substatus 15's description",
  }),
  minBandwidth: entry({
    code: 425,
    ftp75: s('Data channel timed out due to not meeting the minimum bandwidth requirement.'),
    tag: 'VERIFIED',
    source: 'facts §1 data channel too slow (ironpython2 #569)',
  }),
  transferAborted: entry({
    code: 426,
    ftp75: s('Connection closed; transfer aborted.'),
    tag: 'INFERRED',
    source: 'facts §1 transfer aborted (RFC 959 text listed in KB 969061)',
  }),
  aborOk: entry({
    code: 225,
    ftp75: s('ABOR command successful.'),
    tag: 'INFERRED',
    source: 'facts §1 ABOR (seen for an IIS of unknown version)',
  }),
} as const;

export type ReplyName = keyof typeof R;

type ParamsOf<E> = E extends ReplyEntry<infer P> ? P : never;

/** The parameters of a reply: none, or one object. */
export type ReplyArgs<N extends ReplyName> =
  ParamsOf<(typeof R)[N]> extends void ? [] : [ParamsOf<(typeof R)[N]>];

/** The reply of an entry under a profile, with its parameters. */
export function replyOf<N extends ReplyName>(profile: Profile, name: N, ...params: ReplyArgs<N>): Reply {
  const e = R[name] as ReplyEntry<unknown>;
  const text = (profile === 'iis6' && e.iis6) || e.ftp75;
  const out = text(params[0]);
  return { code: e.code, lines: typeof out === 'string' ? [out] : out };
}

/** The tag of the text a profile sends for an entry. */
export function tagOf(profile: Profile, name: ReplyName): Tag {
  const e = R[name] as ReplyEntry<unknown>;
  return profile === 'iis6' && e.iis6 ? (e.iis6Tag ?? e.tag) : e.tag;
}

const LINE_BREAK = /[\r\n]/;

/**
 * The reply as it goes on the wire (RFC 959 §4.2): `ddd text\r\n`, or for several lines `ddd-first\r\n`, the
 * middle lines, `ddd last\r\n`. A middle line that begins with three digits is padded with a space, as the
 * RFC asks, so that a client cannot take it for the last line. Line breaks inside a text are never sent.
 */
export function formatReply(reply: Reply): string {
  const { code, lines } = reply;
  // One line without a line break, nearly every reply: the same text without the arrays and the closure
  // (measured: formatting was a fifth of the bytes a simple command allocates).
  if (lines.length === 1 && !LINE_BREAK.test(lines[0]!)) return `${code} ${lines[0]}\r\n`;
  const clean = lines.map((l) => l.replace(/[\r\n]/g, ' '));
  if (clean.length <= 1) return `${code} ${clean[0] ?? ''}\r\n`;
  const middle = clean.slice(1, -1).map((l) => (/^\d{3}/.test(l) ? ` ${l}` : l));
  return [`${code}-${clean[0]}`, ...middle, `${code} ${clean.at(-1)}`].join('\r\n') + '\r\n';
}
