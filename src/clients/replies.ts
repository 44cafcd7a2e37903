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

const HEAD = /^(\d{3})([ -])(.*)$/s;
const UTF8 = new TextDecoder('utf-8');

/** Latin-1 text of some bytes: each byte one character, so no byte is ever lost or merged. */
export function latin1(bytes: Uint8Array): string {
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
    const m = HEAD.exec(first.line);
    if (m === null) {
      junk.push(first.line);
      pos = first.next;
      continue;
    }
    const code = Number(m[1]);
    if (m[2] === ' ') {
      replies.push({ code, text: utf8(m[3]!) });
      pos = first.next;
      continue;
    }
    // RFC 959 §4.2: a multi-line reply ends at the first line that begins with the same code and a space.
    const lines = [m[3]!];
    let at = first.next;
    let done = false;
    for (;;) {
      const l = nextLine(input, at);
      if (l === null) break;
      at = l.next;
      if (l.line.startsWith(`${m[1]} `)) {
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

function nextLine(input: string, pos: number): { line: string; next: number } | null {
  const lf = input.indexOf('\n', pos);
  if (lf < 0) return null;
  const end = lf > pos && input.charCodeAt(lf - 1) === 13 ? lf - 1 : lf;
  return { line: input.slice(pos, end), next: lf + 1 };
}

/** The endpoint of a 227 reply: `Entering Passive Mode (h1,h2,h3,h4,p1,p2).` (RFC 959 §4.1.2). */
export function parsePasv(text: string): { addr: string; port: number } | null {
  const m = /(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})/.exec(text);
  if (m === null) return null;
  const n = m.slice(1).map(Number);
  if (n.some((x) => x > 255)) return null;
  return { addr: n.slice(0, 4).join('.'), port: n[4]! * 256 + n[5]! };
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
