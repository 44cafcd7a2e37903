/**
 * The command interpreter of an FTP session: one command line in, its replies and log line out. Dispatches
 * through one table that says, for every verb, which profiles know it and whether it needs a login.
 *
 * Owns: line-level rules (LF-only lines, over-long lines, bad UTF-8, unknown verbs, the login gate), login
 * (USER PASS REIN HOST ACCT QUIT) and the informational and setting commands (SYST FEAT OPTS HELP NOOP STAT
 * TYPE MODE STRU ALLO REST LANG AUTH PBSZ PROT CCC). Leaves out: files (session-files.ts), the data channel
 * (session-data.ts), transfers (session-transfer.ts).
 */

import { parseCommand } from './control.ts';
import { clientPath, resolvePath } from './fs.ts';
import { listLines } from './listing.ts';
import { HELP_VERBS_FTP75, HELP_VERBS_IIS6, replyOf } from './replies.ts';
import {
  type Ctx,
  dataStateName,
  fail550,
  finish,
  log,
  logCommand,
  note,
  type S,
  say,
  write,
} from './session-context.ts';
import { activeCommand, passiveCommand } from './session-data.ts';
import { endSession } from './session-end.ts';
import { cwd, dele, mdtm, mkd, pwd, rmd, rnfr, rnto, shown, size } from './session-files.ts';
import type { CommandRef, QueuedLine } from './session-state.ts';
import { abortCommand, transferCommand } from './session-transfer.ts';
import { isAnonymousName, login, passwordForLog } from './users.ts';
import { WIN32 } from './win32.ts';

type Run = (ctx: Ctx, s: S, cmd: CommandRef) => void;

interface CommandDef {
  readonly run: Run;
  /** Answered before login (else `530 Please login with USER and PASS.`, facts §1). */
  readonly open?: boolean;
  /** Known only to FTP 7.5 (IIS 6 answers `500 '<line>': command not understood`, facts §6b). */
  readonly ftp75Only?: boolean;
}

/**
 * INFERRED: the commands answered before login are those a client needs to log in or to learn the server
 * (USER PASS QUIT REIN HOST, FEAT SYST HELP NOOP OPTS LANG, and the FTPS negotiation AUTH PBSZ PROT CCC,
 * which must precede USER under RFC 4217); [T-cmd] shows PORT and NLST refused with 530.
 */
const COMMANDS: Readonly<Record<string, CommandDef>> = {
  USER: { run: user, open: true },
  PASS: { run: pass, open: true },
  QUIT: { run: quit, open: true },
  REIN: { run: rein, open: true },
  HOST: { run: host, open: true, ftp75Only: true },
  ACCT: { run: (ctx, s, cmd) => finish(ctx, s, cmd, {}, 'acct') },
  SYST: { run: (ctx, s, cmd) => finish(ctx, s, cmd, {}, 'syst'), open: true },
  FEAT: { run: feat, open: true },
  OPTS: { run: opts, open: true, ftp75Only: true },
  HELP: { run: help, open: true },
  NOOP: { run: (ctx, s, cmd) => finish(ctx, s, cmd, {}, 'noop'), open: true },
  STAT: { run: stat },
  LANG: { run: lang, open: true, ftp75Only: true },
  AUTH: { run: auth, open: true, ftp75Only: true },
  PBSZ: { run: noTls, open: true, ftp75Only: true },
  PROT: { run: noTls, open: true, ftp75Only: true },
  CCC: { run: noTls, open: true, ftp75Only: true },
  ADAT: { run: notImplemented, ftp75Only: true },
  ENC: { run: notImplemented, ftp75Only: true },
  MIC: { run: notImplemented, ftp75Only: true },
  SITE: { run: notImplemented },
  SMNT: { run: notImplemented },
  PWD: { run: pwd },
  XPWD: { run: pwd },
  CWD: { run: (ctx, s, cmd) => cwd(ctx, s, cmd) },
  XCWD: { run: (ctx, s, cmd) => cwd(ctx, s, cmd) },
  CDUP: { run: cdup },
  XCUP: { run: cdup },
  MKD: { run: mkd },
  XMKD: { run: mkd },
  RMD: { run: rmd },
  XRMD: { run: rmd },
  DELE: { run: dele },
  RNFR: { run: rnfr },
  RNTO: { run: rnto },
  SIZE: { run: size },
  MDTM: { run: mdtm },
  TYPE: { run: type },
  MODE: { run: (ctx, s, cmd) => onlyValue(ctx, s, cmd, 'S') },
  STRU: { run: (ctx, s, cmd) => onlyValue(ctx, s, cmd, 'F') },
  ALLO: { run: (ctx, s, cmd) => finish(ctx, s, cmd, {}, 'commandOk', { what: 'ALLO' }) },
  REST: { run: rest },
  PORT: { run: (ctx, s, cmd) => activeCommand(ctx, s, cmd, false) },
  EPRT: { run: (ctx, s, cmd) => activeCommand(ctx, s, cmd, true), ftp75Only: true },
  PASV: { run: (ctx, s, cmd) => passiveCommand(ctx, s, cmd, false) },
  EPSV: { run: (ctx, s, cmd) => passiveCommand(ctx, s, cmd, true), ftp75Only: true },
  LIST: { run: (ctx, s, cmd) => transferCommand(ctx, s, cmd, 'LIST') },
  NLST: { run: (ctx, s, cmd) => transferCommand(ctx, s, cmd, 'NLST') },
  RETR: { run: (ctx, s, cmd) => transferCommand(ctx, s, cmd, 'RETR') },
  STOR: { run: (ctx, s, cmd) => transferCommand(ctx, s, cmd, 'STOR') },
  APPE: { run: (ctx, s, cmd) => transferCommand(ctx, s, cmd, 'APPE') },
  STOU: { run: (ctx, s, cmd) => transferCommand(ctx, s, cmd, 'STOU') },
  ABOR: { run: abortCommand },
};

/** True for a verb the profile knows. */
export function knows(profile: 'ftp75' | 'iis6', name: string): boolean {
  // Own verbs only: a client's `toString` or `constructor` is an unknown command, not Object's method.
  if (!Object.hasOwn(COMMANDS, name)) return false;
  return profile === 'ftp75' || !COMMANDS[name]!.ftp75Only;
}

/** Whether a line is an ABOR that may overtake a transfer in progress (RFC 959 §4.1.3). */
export function isAbort(ctx: Ctx, line: QueuedLine): boolean {
  if (line.end === 'LONG' || (line.end === 'LF' && ctx.config.profile === 'ftp75')) return false;
  const c = parseCommand(line.bytes, false);
  return c !== 'not-utf8' && c.name === 'ABOR';
}

/** The commands a REST offset applies to: any other command clears it (RFC 3659 §5). */
const KEEPS_REST: ReadonlySet<string> = new Set(['RETR', 'STOR', 'APPE', 'STOU', 'LIST', 'NLST']);

/** Executes one command line. */
export function execute(ctx: Ctx, s: S, line: QueuedLine) {
  s.lastActivityAt = ctx.now;
  if (line.end === 'LONG') {
    // RFC 959 §4.2: 500 "may include errors such as command line too long"; IIS has one 500 text.
    const c = parseCommand(line.bytes, false) as Exclude<ReturnType<typeof parseCommand>, 'not-utf8'>;
    note(ctx, s, { what: 'command', line: `${c.line.slice(0, 64)}...` });
    say(ctx, s, 'unknownCommand', { line: c.line });
    return log(ctx, s, { method: c.verb.slice(0, 64), uriStem: '', status: '500' });
  }
  const parsed = parseCommand(line.bytes, s.utf8);
  if (parsed === 'not-utf8') {
    const c = parseCommand(line.bytes, false) as Exclude<ReturnType<typeof parseCommand>, 'not-utf8'>;
    note(ctx, s, { what: 'command', line: c.line });
    say(ctx, s, 'notUtf8');
    return log(ctx, s, { method: c.verb, uriStem: c.arg, status: '501', win32: 1113 });
  }
  const cmd: CommandRef = { verb: parsed.verb, arg: parsed.arg };
  note(ctx, s, { what: 'command', line: parsed.name === 'PASS' ? `${parsed.verb} ***` : parsed.line });
  if (line.end === 'LF' && ctx.config.profile === 'ftp75') {
    // KB 2505047: FTP 7.5 answers a line ended by LF alone with 451 and does not run it; the session goes on.
    return finish(ctx, s, cmd, { win32: WIN32.INVALID_PARAMETER }, 'lfOnly');
  }
  if (!knows(ctx.config.profile, parsed.name)) {
    return finish(ctx, s, cmd, {}, 'unknownCommand', { line: parsed.line });
  }
  const def = COMMANDS[parsed.name]!;
  if (!def.open && s.login.state !== 'LOGGED-IN') return finish(ctx, s, cmd, {}, 'notLoggedIn');
  // RFC 959 §4.1.3: RNTO must follow RNFR at once; RFC 3659 §5: REST applies to the next command.
  if (parsed.name !== 'RNTO') s.renameFrom = null;
  if (parsed.name !== 'REST' && !KEEPS_REST.has(parsed.name)) {
    s.restOffset = 0;
  }
  def.run(ctx, s, cmd);
}

// ---- login -----------------------------------------------------------------------------------------------

function user(ctx: Ctx, s: S, cmd: CommandRef) {
  if (cmd.arg === '') return finish(ctx, s, cmd, {}, 'badParameters');
  // A USER while logged in starts a new login (INFERRED: the RFC 959 reading; the old login is dropped).
  s.login = { state: 'AWAIT-PASS', user: cmd.arg };
  if (isAnonymousName(cmd.arg)) return finish(ctx, s, cmd, {}, 'userAnonymous');
  if (ctx.config.userReply === 'short') return finish(ctx, s, cmd, {}, 'userPasswordShort');
  finish(ctx, s, cmd, {}, 'userPassword', { user: cmd.arg });
}

function pass(ctx: Ctx, s: S, cmd: CommandRef) {
  if (s.login.state !== 'AWAIT-PASS') return finish(ctx, s, cmd, {}, 'loginWithUserFirst');
  const name = s.login.user;
  // facts §1 / [T-log]: the anonymous password (an e-mail identity) is logged verbatim, others as ***.
  const logged: CommandRef = { verb: cmd.verb, arg: passwordForLog(name, cmd.arg) };
  const r = login(ctx.config.users, ctx.fs, name, cmd.arg);
  if (!r.ok) {
    s.login = { state: 'AWAIT-USER' };
    const status = { win32: r.win32, substatus: r.substatus };
    if (r.reason === 'home-inaccessible') return finish(ctx, s, logged, status, 'homeInaccessible');
    return finish(ctx, s, logged, status, 'loginFailed', { user: name });
  }
  s.login = { state: 'LOGGED-IN', user: name, logName: r.logName, anonymous: r.anonymous };
  s.root = r.root;
  s.cwd = r.cwd;
  const reply = replyOf(ctx.config.profile, 'loggedIn', { user: name, anonymous: r.anonymous });
  // messages/greetingMessage (facts §4.4): INFERRED as the 230- lines before the usual text.
  const greeting = ctx.config.greetingMessage;
  write(
    ctx,
    s,
    greeting === null ? reply : { code: 230, lines: [...greeting.split(/\r?\n/), ...reply.lines] },
  );
  logCommand(ctx, s, logged, 230, { fullPath: shown(s, s.cwd) });
}

function quit(ctx: Ctx, s: S, cmd: CommandRef) {
  finish(ctx, s, cmd, {}, 'goodbye', { message: ctx.config.exitMessage });
  endSession(ctx, s, { win32: 0, substatus: 0, closeControl: true });
}

/** REIN (RFC 959 §4.1.1): back to the state right after the banner; the data channel is left alone. */
function rein(ctx: Ctx, s: S, cmd: CommandRef) {
  s.login = { state: 'AWAIT-USER' };
  s.host = null;
  s.root = '/';
  s.cwd = '/';
  s.type = 'A';
  s.utf8 = ctx.config.allowUtf8;
  finish(ctx, s, cmd, {}, 'rein');
}

/** HOST (RFC 7151): before USER only; every name is accepted (the model has one site). */
function host(ctx: Ctx, s: S, cmd: CommandRef) {
  if (cmd.arg === '') return finish(ctx, s, cmd, {}, 'badParameters');
  if (s.login.state !== 'AWAIT-USER') return finish(ctx, s, cmd, {}, 'badSequence');
  s.host = cmd.arg;
  finish(ctx, s, cmd, {}, 'hostAccepted');
}

// ---- information and settings ----------------------------------------------------------------------------

function feat(ctx: Ctx, s: S, cmd: CommandRef) {
  finish(ctx, s, cmd, {}, 'feat', { utf8: ctx.config.allowUtf8, tls: ctx.config.advertiseTls });
}

function opts(ctx: Ctx, s: S, cmd: CommandRef) {
  const words = cmd.arg.trim().toUpperCase().split(/\s+/);
  if (words[0] === '') return finish(ctx, s, cmd, {}, 'badParameters');
  if (words[0] === 'UTF8' && ctx.config.allowUtf8 && words.length <= 2) {
    const on = words[1] === undefined || words[1] === 'ON';
    if (on || words[1] === 'OFF') {
      s.utf8 = on;
      return finish(ctx, s, cmd, {}, 'optsUtf8', { on });
    }
  }
  finish(ctx, s, cmd, {}, 'optionNotSupported');
}

function help(ctx: Ctx, s: S, cmd: CommandRef) {
  const verb = cmd.arg.trim().toUpperCase();
  if (verb === '') return finish(ctx, s, cmd, {}, 'help');
  const list = ctx.config.profile === 'ftp75' ? HELP_VERBS_FTP75 : HELP_VERBS_IIS6;
  if (list.some((v) => v.split(' ')[0] === verb)) return finish(ctx, s, cmd, {}, 'helpVerb', { verb });
  finish(ctx, s, cmd, {}, 'helpUnknown', { verb });
}

/** STAT: the session's status; STAT <path>: a listing on the control connection (RFC 959 §4.1.3). */
function stat(ctx: Ctx, s: S, cmd: CommandRef) {
  if (cmd.arg === '') {
    const who = s.login.state === 'LOGGED-IN' ? `Logged in as ${s.login.user}` : 'Not logged in';
    const lines = [
      `Connected to ${s.client.addr}`,
      who,
      `TYPE: ${s.type === 'A' ? 'ASCII' : 'BINARY'}, FORM: Nonprint; STRUcture: File; transfer MODE: STREAM`,
      s.data === null ? 'No data connection' : `Data connection: ${dataStateName(s.data)}`,
    ];
    return finish(ctx, s, cmd, {}, 'status', { lines });
  }
  const r = resolvePath(s.cwd, cmd.arg, s.root, { wildcards: true });
  if (!r.ok) return fail550(ctx, s, cmd, r.win32);
  const opts = { epochMs: ctx.config.epochMs, longDate: ctx.config.longDate };
  const text = listLines(ctx.fs, r.value, '', ctx.config.listingStyle, ctx.now, opts);
  const fullPath = clientPath(r.value, s.root);
  if (!text.ok) return fail550(ctx, s, cmd, text.win32, fullPath);
  const listing = text.value.split('\r\n').filter((l) => l !== '');
  finish(ctx, s, cmd, { fullPath }, 'statusOf', { arg: cmd.arg, listing });
}

/** TYPE (RFC 959 §3.1.1): A [N], I, L 8. E and other forms are not implemented. */
function type(ctx: Ctx, s: S, cmd: CommandRef) {
  const words = cmd.arg.trim().toUpperCase().split(/\s+/);
  const [code, param] = words;
  if (code === '') return finish(ctx, s, cmd, {}, 'badParameters');
  if (code === 'A' && (param === undefined || param === 'N')) s.type = 'A';
  else if (code === 'I' && param === undefined) s.type = 'I';
  else if (code === 'L' && param === '8') s.type = 'I';
  else return finish(ctx, s, cmd, {}, 'parameterNotImplemented');
  finish(ctx, s, cmd, {}, 'typeSet', { type: s.type });
}

/** MODE S and STRU F, the only values IIS implements (facts §1 INFERRED: others → 504). */
function onlyValue(ctx: Ctx, s: S, cmd: CommandRef, value: string) {
  const v = cmd.arg.trim().toUpperCase();
  if (v === '') return finish(ctx, s, cmd, {}, 'badParameters');
  if (v !== value) return finish(ctx, s, cmd, {}, 'parameterNotImplemented');
  finish(ctx, s, cmd, {}, 'commandOk', { what: `${cmd.verb.toUpperCase()} ${value}` });
}

/** REST n (RFC 3659 §5, STREAM mode): the next RETR or STOR starts at byte n. */
function rest(ctx: Ctx, s: S, cmd: CommandRef) {
  const v = cmd.arg.trim();
  if (!/^\d{1,15}$/.test(v)) return finish(ctx, s, cmd, {}, 'badParameters');
  s.restOffset = Number(v);
  finish(ctx, s, cmd, {}, 'restarting', { offset: s.restOffset });
}

/** LANG (RFC 2640 §4): FEAT advertises `LANG EN*`. */
function lang(ctx: Ctx, s: S, cmd: CommandRef) {
  const v = cmd.arg.trim().toUpperCase();
  if (v === '' || v === 'EN' || v.startsWith('EN-')) return finish(ctx, s, cmd, {}, 'lang');
  finish(ctx, s, cmd, {}, 'parameterNotImplemented');
}

/** AUTH: the model's site has no SSL certificate, so TLS is refused by policy (RFC 4217 §4, 534). */
function auth(ctx: Ctx, s: S, cmd: CommandRef) {
  const v = cmd.arg.trim().toUpperCase();
  if (v === '') return finish(ctx, s, cmd, {}, 'badParameters');
  if (['TLS', 'SSL', 'TLS-C', 'TLS-P'].includes(v)) return finish(ctx, s, cmd, {}, 'authNoTls');
  finish(ctx, s, cmd, {}, 'parameterNotImplemented');
}

/** PBSZ, PROT, CCC without a TLS session: RFC 4217 §9 (503, they must follow a successful AUTH). */
function noTls(ctx: Ctx, s: S, cmd: CommandRef) {
  finish(ctx, s, cmd, {}, 'badSequence');
}

function notImplemented(ctx: Ctx, s: S, cmd: CommandRef) {
  finish(ctx, s, cmd, {}, 'notImplemented');
}

function cdup(ctx: Ctx, s: S, cmd: CommandRef) {
  cwd(ctx, s, cmd, true);
}
