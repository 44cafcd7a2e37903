/**
 * Which positive replies each command may get: RFC 959 §5.4 "Command-Reply Sequences", with the commands of
 * the extensions FTP 7.5 speaks (RFC 2389 FEAT/OPTS, RFC 2428 EPSV/EPRT, RFC 3659 SIZE/MDTM, RFC 7151 HOST,
 * RFC 2228/4217 AUTH/PBSZ/PROT/CCC, RFC 2640 LANG) and the X-forms of RFC 775.
 *
 * Only positive replies are constrained (1yz, 2yz, 3yz). A command may get any 4yz or 5yz: RFC 959 lists the
 * usual ones, but a server adds its own (FTP 7.5: 451 to a line ended by LF alone, 501 to bytes that are not
 * UTF-8, 534 to AUTH without a certificate, 550 with Win32 details), and an error is always an answer.
 *
 * What the table buys the 'one-final-reply' invariant: a reply lost, or sent twice, shifts every later reply
 * onto the wrong command, and the wrong command almost never accepts the reply (a 227 is not an answer to
 * RETR), so the shift is caught where it starts instead of where the session ends.
 */

export interface Allowed {
  /** Preliminary replies the command may get (before its final one). */
  readonly preliminary: readonly number[];
  /** Positive final replies (2yz) and intermediate ones that complete the command (3yz). */
  readonly positive: readonly number[];
}

const TRANSFER: Allowed = { preliminary: [125, 150], positive: [226, 250] };
const OK_200: Allowed = { preliminary: [], positive: [200] };
const ONLY: (...codes: number[]) => Allowed = (...positive) => ({ preliminary: [], positive });

export const REPLY_TABLE: Readonly<Record<string, Allowed>> = {
  // Login (RFC 959 §5.4).
  USER: ONLY(230, 331, 332),
  PASS: ONLY(230, 202, 332),
  ACCT: ONLY(230, 202),
  CWD: ONLY(250),
  XCWD: ONLY(250),
  // RFC 959 gives CDUP 200; RFC 775's XCUP and most servers (IIS among them) answer 250.
  CDUP: ONLY(200, 250),
  XCUP: ONLY(200, 250),
  SMNT: ONLY(202, 250),
  // Logout.
  REIN: { preliminary: [120], positive: [220] },
  QUIT: ONLY(221),
  // Transfer parameters.
  PORT: OK_200,
  PASV: ONLY(227),
  MODE: OK_200,
  TYPE: OK_200,
  STRU: OK_200,
  // File actions.
  ALLO: ONLY(200, 202),
  REST: ONLY(350),
  STOR: TRANSFER,
  STOU: TRANSFER,
  APPE: TRANSFER,
  RETR: TRANSFER,
  LIST: TRANSFER,
  NLST: TRANSFER,
  RNFR: ONLY(350),
  RNTO: ONLY(250),
  DELE: ONLY(250),
  RMD: ONLY(250),
  XRMD: ONLY(250),
  MKD: ONLY(257),
  XMKD: ONLY(257),
  PWD: ONLY(257),
  XPWD: ONLY(257),
  ABOR: ONLY(225, 226),
  // Informational.
  SYST: ONLY(215),
  STAT: ONLY(211, 212, 213),
  HELP: ONLY(211, 214),
  // Miscellaneous.
  SITE: ONLY(200, 202),
  NOOP: OK_200,
  // Extensions.
  FEAT: ONLY(211),
  OPTS: OK_200,
  EPSV: ONLY(229, 200),
  EPRT: OK_200,
  SIZE: ONLY(213),
  MDTM: ONLY(213),
  HOST: ONLY(220),
  AUTH: ONLY(234, 334),
  ADAT: ONLY(235, 335),
  PBSZ: OK_200,
  PROT: OK_200,
  CCC: OK_200,
  LANG: OK_200,
};

/** The verb of a command line as the trace shows it ('RETR /a' -> 'RETR'; case-insensitive). */
export function verbOf(line: string): string {
  const sp = line.indexOf(' ');
  return (sp < 0 ? line : line.slice(0, sp)).toUpperCase();
}

/** Whether `code` may answer the command `line`, as its preliminary reply or as its final one. */
export function allows(line: string, code: number, as: 'preliminary' | 'final'): boolean {
  const allowed = REPLY_TABLE[verbOf(line)] ?? ONLY();
  if (as === 'preliminary') return allowed.preliminary.includes(code);
  return code >= 400 || allowed.positive.includes(code);
}
