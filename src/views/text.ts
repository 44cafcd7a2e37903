/**
 * Text helpers shared by the views: how wide a string is in a terminal, cutting it to a width, and how the
 * bytes of a payload are shown (FTP control text on the ladder's arrows, a short preview in JSON).
 *
 * Widths follow the terminal convention (wcwidth): East Asian wide and fullwidth characters take two
 * columns, combining marks none, everything else one. The table below covers the ranges an FTP file name or
 * reply can realistically contain; it is not the full Unicode table, and says so.
 */

/** [first, last] code point ranges that take two columns (CJK, Hangul, fullwidth forms, common emoji). */
const WIDE: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x3fffd],
];

/** Ranges that take no column: combining marks, zero-width spaces and joiners, variation selectors. */
const ZERO: ReadonlyArray<readonly [number, number]> = [
  [0x0300, 0x036f],
  [0x1ab0, 0x1aff],
  [0x1dc0, 0x1dff],
  [0x200b, 0x200f],
  [0x20d0, 0x20ff],
  [0xfe00, 0xfe0f],
  [0xfe20, 0xfe2f],
];

function inRanges(cp: number, ranges: ReadonlyArray<readonly [number, number]>): boolean {
  for (const [lo, hi] of ranges) if (cp >= lo && cp <= hi) return true;
  return false;
}

/** Columns one code point takes in a terminal. */
export function charWidth(cp: number): 0 | 1 | 2 {
  // The common cases first, without a table walk: ASCII, Latin, and the box drawing of the ladder.
  if (cp < 0x300) return 1;
  if (cp <= 0x36f) return 0;
  if (cp < 0x1100) return 1;
  if (cp >= 0x2500 && cp < 0x2e80) return 1;
  if (inRanges(cp, ZERO)) return 0;
  if (inRanges(cp, WIDE)) return 2;
  return 1;
}

/** Columns a string takes in a terminal (ANSI escapes are not expected here: strip them first). */
export function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += charWidth(ch.codePointAt(0)!);
  return w;
}

const ANSI = /\u001b\[[0-9;]*m/g;

/** The string without ANSI colour codes. */
export function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}

/** Cuts a string to at most `width` columns, ending in '…' when something was cut. */
export function truncate(s: string, width: number): string {
  if (width <= 0) return '';
  if (textWidth(s) <= width) return s;
  let out = '';
  let w = 0;
  for (const ch of s) {
    const cw = charWidth(ch.codePointAt(0)!);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}

/** Pads with spaces on the right to `width` columns (never cuts). */
export function padEnd(s: string, width: number): string {
  const w = textWidth(s);
  return w >= width ? s : s + ' '.repeat(width - w);
}

/** Pads with spaces on the left to `width` columns (never cuts). */
export function padStart(s: string, width: number): string {
  const w = textWidth(s);
  return w >= width ? s : ' '.repeat(width - w) + s;
}

/** Words of `text` in lines of at most `width` columns (a word longer than a line is cut). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && textWidth(line) + 1 + textWidth(word) > width) {
      lines.push(line);
      line = '';
    }
    line = truncate(line === '' ? word : `${line} ${word}`, width);
  }
  if (line !== '') lines.push(line);
  return lines;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * FTP control bytes as a reader should see them on one line: decoded as UTF-8 (an invalid byte shows as
 * U+FFFD), each CRLF as '↵' (the line end FTP requires), and every other control character as its Unicode
 * control picture: a bare LF is '␊', a bare CR '␍', a Telnet NUL '␀'. That is what makes an LF-only client
 * (KB 2505047: FTP 7.5 answers 451 to a bare LF) visible on the ladder.
 */
export function controlText(bytes: Uint8Array): string {
  const text = utf8.decode(bytes);
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0d && text.charCodeAt(i + 1) === 0x0a) {
      out += '↵';
      i++;
    } else if (c < 0x20) out += String.fromCharCode(0x2400 + c);
    else if (c === 0x7f) out += '␡';
    else if (c >= 0x80 && c < 0xa0) out += '�';
    else out += text[i];
  }
  return out;
}

/** Bytes kept in a JSON payload preview. */
export const PREVIEW_BYTES = 64;

/**
 * The first PREVIEW_BYTES bytes of a payload as text, the way a hex dump's right column shows them: printable
 * ASCII, CR, LF and TAB as they are, every other byte as '.'. A reader sees what the bytes are about; the
 * exact bytes are in the pcap.
 */
export function preview(bytes: Uint8Array, max = PREVIEW_BYTES): string {
  let out = '';
  const n = Math.min(bytes.length, max);
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    out += (b >= 0x20 && b < 0x7f) || b === 0x0d || b === 0x0a || b === 0x09 ? String.fromCharCode(b) : '.';
  }
  return out;
}
