/**
 * Framing of the FTP control channel: bytes in, command lines out. Pure; incomplete input is a value
 * (`{ lines, rest }`), never an error, and no input can make it throw.
 *
 * Owns: line ends (CRLF, LF alone), Telnet IAC sequences (RFC 959 §4.1.1: the control connection follows the
 * Telnet protocol), over-long lines, splitting a line into verb and argument, decoding (UTF-8 or not).
 * Leaves out: what a command means and the replies to bad lines (the session), Telnet option negotiation (the
 * server never negotiates: WILL/WONT/DO/DONT are read and dropped, as a server that refuses every option
 * silently; INFERRED, no IIS transcript answers them), and the Telnet Synch's urgent pointer (the simulator
 * carries no urgent data; `IAC IP IAC DM ABOR` arrives as an ordinary line and ABOR is honoured as one).
 */

/** How a line ended. 'LONG' is a line cut at the length limit (the rest up to its end is discarded). */
export type LineEnd = 'CRLF' | 'LF' | 'LONG';

export interface ControlLine {
  /** The line's bytes without its end and without Telnet commands (IAC IAC stays as one 0xFF byte). */
  readonly bytes: Uint8Array;
  readonly end: LineEnd;
}

/** The framer's memory between two reads: the unfinished line (raw bytes) and whether a long line is being skipped. */
export interface FramerState {
  readonly rest: Uint8Array;
  readonly skipping: boolean;
}

export const FRAMER_START: FramerState = { rest: new Uint8Array(0), skipping: false };

export interface Framed {
  readonly lines: readonly ControlLine[];
  readonly state: FramerState;
}

const IAC = 0xff;
const SB = 0xfa;
const SE = 0xf0;
const WILL = 0xfb;
const DONT = 0xfe;
const CR = 0x0d;
const LF = 0x0a;

/**
 * Splits `state.rest + input` into complete lines.
 * - A line ends at LF; it is a CRLF line when CR precedes the LF, else an LF line (the session decides what
 *   an LF line means: FTP 7.5 answers 451, IIS 6 accepts it). A CR elsewhere is an ordinary byte.
 * - Telnet: `IAC IAC` is a 0xFF data byte; `IAC WILL|WONT|DO|DONT <opt>` and `IAC SB ... IAC SE` are dropped;
 *   any other `IAC <cmd>` (IP, DM, AYT, NOP, ...) is dropped. An IAC sequence cut by the end of the input waits
 *   in `rest` for the next read.
 * - A line longer than `maxLine` bytes (after Telnet decoding, without its end), or holding more than
 *   2 × `maxLine` raw bytes, comes out once as a 'LONG' line holding its first `maxLine` bytes; the framer
 *   then skips bytes up to the next LF, so the client gets one reply for it and the session goes on.
 * The rest is kept raw (undecoded) and re-read with the next input: simple, and bounded by `maxLine`.
 */
export function frameLines(state: FramerState, input: Uint8Array, maxLine: number): Framed {
  if (!state.skipping && state.rest.length === 0) {
    const plain = plainLines(input, maxLine);
    if (plain !== null) return plain;
  }
  return frameLinesByByte(state, input, maxLine);
}

/**
 * `frameLines` for what nearly every read holds, whole short lines and no Telnet command: each line is the
 * bytes before its LF, less the CR of a CRLF, sliced rather than decoded byte by byte; null for anything else
 * (an IAC byte, a line longer than `maxLine`), which the general loop handles. Tested against it on random
 * input (control.test.ts). Measured (10,000-session model benchmark): the byte-by-byte loop, a number array
 * per line, was 4% of an input's cost.
 */
function plainLines(input: Uint8Array, maxLine: number): Framed | null {
  const lines: ControlLine[] = [];
  let start = 0;
  for (let i = 0; i < input.length; i++) {
    const b = input[i]!;
    if (b === IAC) return null;
    if (b === LF) {
      const crlf = i > start && input[i - 1] === CR;
      lines.push({ bytes: input.slice(start, crlf ? i - 1 : i), end: crlf ? 'CRLF' : 'LF' });
      start = i + 1;
    } else if (i - start >= maxLine) {
      return null; // a line over the limit (or one whose CR the limit must not count): the general rules
    }
  }
  // Nothing left over (nearly always): the start state itself, rather than a new state and empty buffer that
  // the session would keep until its next command.
  if (start === input.length) return { lines, state: FRAMER_START };
  return { lines, state: { rest: input.slice(start), skipping: false } };
}

/** `frameLines` byte by byte, Telnet decoding included: the general rules, and the reference of `plainLines`. */
export function frameLinesByByte(state: FramerState, input: Uint8Array, maxLine: number): Framed {
  const buf = concat(state.rest, input);
  const lines: ControlLine[] = [];
  let skipping = state.skipping;
  let start = 0; // raw index where the unfinished line begins
  let line: number[] = [];
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    if (skipping) {
      i++;
      if (b === LF) {
        skipping = false;
        start = i;
        line = [];
      }
      continue;
    }
    if (b === IAC) {
      const n = iacLength(buf, i);
      if (n === 0) break; // incomplete sequence: wait for more bytes
      if (buf[i + 1] === IAC) line.push(IAC);
      i += n;
    } else if (b === LF) {
      const crlf = line.length > 0 && line[line.length - 1] === CR;
      if (crlf) line.pop();
      lines.push({ bytes: Uint8Array.from(line), end: crlf ? 'CRLF' : 'LF' });
      i++;
      start = i;
      line = [];
      continue;
    } else {
      line.push(b);
      i++;
    }
    // A CR may be the first half of the line's end, so it does not count against the limit yet.
    const counted = line.length - (line[line.length - 1] === CR ? 1 : 0);
    if (counted > maxLine || i - start > 2 * maxLine) {
      lines.push({ bytes: Uint8Array.from(line.slice(0, maxLine)), end: 'LONG' });
      skipping = true;
      line = [];
      start = i;
    }
  }
  if (!skipping && buf.length - start > 2 * maxLine) {
    // Telnet noise (an endless subnegotiation) counts against the limit too, so `rest` stays bounded.
    lines.push({ bytes: Uint8Array.from(line.slice(0, maxLine)), end: 'LONG' });
    return { lines, state: { rest: new Uint8Array(0), skipping: true } };
  }
  const rest = skipping ? new Uint8Array(0) : buf.slice(start);
  return { lines, state: { rest, skipping } };
}

/** Length of the Telnet sequence at `i` (which holds IAC), or 0 when the input ends inside it. */
function iacLength(buf: Uint8Array, i: number): number {
  if (i + 1 >= buf.length) return 0;
  const cmd = buf[i + 1]!;
  if (cmd >= WILL && cmd <= DONT) return i + 2 < buf.length ? 3 : 0;
  if (cmd === SB) {
    for (let j = i + 2; j + 1 < buf.length; j++) {
      if (buf[j] === IAC && buf[j + 1] === SE) return j + 2 - i;
      if (buf[j] === IAC && buf[j + 1] === IAC) j++;
    }
    return 0;
  }
  return 2;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** A command line split into its verb and argument. */
export interface Command {
  /** The verb as the client sent it (the W3C log keeps its case, facts §3.2: `opts utf8+on`). */
  readonly verb: string;
  /** The verb upper-cased: commands are case-insensitive (RFC 959 §5.3). */
  readonly name: string;
  /** Everything after the first space, byte for byte (spaces inside and at the end are kept). */
  readonly arg: string;
  /** The whole line as text, for the IIS 6 `500 '<line>': command not understood`. */
  readonly line: string;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const LATIN1 = new TextDecoder('latin1');

/**
 * Decodes a line and splits it at its first space. With `utf8` the line must be valid UTF-8 (else
 * 'not-utf8'); without it each byte is one character (INFERRED: Windows would use the system code page,
 * typically 1252; Latin-1 is the same for every letter a test is likely to use, and never fails).
 */
export function parseCommand(bytes: Uint8Array, utf8: boolean): Command | 'not-utf8' {
  let line: string;
  if (utf8) {
    try {
      line = UTF8.decode(bytes);
    } catch {
      return 'not-utf8';
    }
  } else {
    line = LATIN1.decode(bytes);
  }
  const sp = line.indexOf(' ');
  const verb = sp < 0 ? line : line.slice(0, sp);
  const arg = sp < 0 ? '' : line.slice(sp + 1);
  return { verb, name: verb.toUpperCase(), arg, line };
}

const ENCODER = new TextEncoder();

/** Encodes reply text: UTF-8, or Latin-1 when UTF8 is off (characters beyond it become '?'). */
export function encodeText(text: string, utf8: boolean): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // ASCII is the same bytes either way; copied here, since TextEncoder costs a call into the runtime per
    // reply (measured: 8% of an input's cost in the 10,000-session model benchmark, where every reply is ASCII).
    if (c >= 0x80 && utf8) return ENCODER.encode(text);
    out[i] = c < 256 ? c : 0x3f;
  }
  return out;
}
