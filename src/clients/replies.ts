/**
 * FTP replies as a client reads them off the control connection (RFC 959 §4.2): `ddd text` on one line, or
 * a multi-line reply from `ddd-text` to the first line that starts with the same `ddd ` (lines between are
 * free text). A pure parser: incomplete input is a value (`rest`), never an error.
 *
 * Lines end in CRLF; a bare LF is accepted too, as lenient clients do. A line that is not a reply where one
 * is expected is skipped and reported in `junk` (a client model never crashes on a peer's bytes).
 * Bytes are framed as Latin-1 (one character per byte) and each reply's text is decoded as UTF-8.
 */

export interface Reply {
  readonly code: number;
  /** The text without the code and CRLF; lines of a multi-line reply joined by '\n' (codes stripped). */
  readonly text: string;
}

export interface Parsed {
  readonly replies: readonly Reply[];
  /** Bytes (as Latin-1 text) of an incomplete reply, to be prefixed to the next input. */
  readonly rest: string;
  readonly junk: readonly string[];
}

const PASV = /(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})/;
const UTF8 = new TextDecoder('utf-8');

/** Latin-1 text of some bytes: each byte one character, so no byte is ever lost or merged. */
export function latin1(bytes: Uint8Array): string {
  // One call for a control line or a few; chunks beyond, as an apply takes a bounded number of arguments.
  if (bytes.length <= 8192) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  }
  return s;
}

function utf8(text: string): string {
  // Only decode when a byte above 0x7f is present: the common case is ASCII and costs nothing.
  if (!/[^\x00-\x7f]/.test(text)) return text;
  const b = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) b[i] = text.charCodeAt(i);
  return UTF8.decode(b);
}

export function parseReplies(input: string): Parsed {
  const replies: Reply[] = [];
  const junk: string[] = [];
  let pos = 0;
  for (;;) {
    const start = pos;
    const first = nextLine(input, pos);
    if (first === null) return { replies, rest: input.slice(start), junk };
    const line = first.line;
    const sep = replyHead(line);
    if (sep === null) {
      junk.push(line);
      pos = first.next;
      continue;
    }
    const code = Number(line.slice(0, 3));
    if (sep === ' ') {
      replies.push({ code, text: utf8(line.slice(4)) });
      pos = first.next;
      continue;
    }
    // RFC 959 §4.2: a multi-line reply ends at the first line that begins with the same code and a space.
    const last = `${line.slice(0, 3)} `;
    const lines = [line.slice(4)];
    let at = first.next;
    let done = false;
    for (;;) {
      const l = nextLine(input, at);
      if (l === null) break;
      at = l.next;
      if (l.line.startsWith(last)) {
        lines.push(l.line.slice(4));
        done = true;
        break;
      }
      lines.push(l.line);
    }
    if (!done) return { replies, rest: input.slice(start), junk };
    replies.push({ code, text: utf8(lines.join('\n')) });
    pos = at;
  }
}

/**
 * The separator of a reply's first line, `ddd ` or `ddd-` (three ASCII digits), else null: the test that
 * /^(\d{3})([ -])/ makes, by character codes, as it runs on every line a client reads.
 */
function replyHead(line: string): ' ' | '-' | null {
  if (line.length < 4 || !isDigit(line.charCodeAt(0)) || !isDigit(line.charCodeAt(1))) return null;
  if (!isDigit(line.charCodeAt(2))) return null;
  const sep = line[3];
  return sep === ' ' || sep === '-' ? sep : null;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function nextLine(input: string, pos: number): { line: string; next: number } | null {
  const lf = input.indexOf('\n', pos);
  if (lf < 0) return null;
  const end = lf > pos && input.charCodeAt(lf - 1) === 13 ? lf - 1 : lf;
  return { line: input.slice(pos, end), next: lf + 1 };
}

/** The endpoint of a 227 reply: `Entering Passive Mode (h1,h2,h3,h4,p1,p2).` (RFC 959 §4.1.2). */
export function parsePasv(text: string): { addr: string; port: number } | null {
  const m = PASV.exec(text);
  if (m === null) return null;
  const h1 = Number(m[1]);
  const h2 = Number(m[2]);
  const h3 = Number(m[3]);
  const h4 = Number(m[4]);
  const p1 = Number(m[5]);
  const p2 = Number(m[6]);
  if (h1 > 255 || h2 > 255 || h3 > 255 || h4 > 255 || p1 > 255 || p2 > 255) return null;
  return { addr: `${h1}.${h2}.${h3}.${h4}`, port: p1 * 256 + p2 };
}

/** The port of a 229 reply: `Entering Extended Passive Mode (|||6446|)` (RFC 2428 §3). */
export function parseEpsv(text: string): number | null {
  const m = /\((.)\1\1(\d{1,5})\1\)/.exec(text);
  if (m === null) return null;
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? port : null;
}

/** `PORT h1,h2,h3,h4,p1,p2` argument (RFC 959 §4.1.2). */
export function portArgument(addr: string, port: number): string {
  return `${addr.split('.').join(',')},${port >> 8},${port & 255}`;
}

/** `EPRT |1|addr|port|` argument (RFC 2428 §2), IPv4. */
export function eprtArgument(addr: string, port: number): string {
  return `|1|${addr}|${port}|`;
}
