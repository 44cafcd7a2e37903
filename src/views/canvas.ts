/**
 * One line of a text diagram as a row of terminal cells, each with a character and a style. Drawing
 * writes into cells (a wide character takes its cell and the next); `render` joins them, colouring runs of
 * one style, and trims trailing spaces. Writing past either end is clipped, never wrapped, which is how a
 * view guarantees its width.
 */

import type { Paint, Style } from './style.ts';
import { charWidth, textWidth } from './text.ts';

/** The second cell of a wide character. */
const CONTINUED = '';

export class Canvas {
  private readonly chars: string[];
  private readonly styles: Array<Style | undefined>;

  constructor(readonly width: number) {
    this.chars = new Array<string>(width).fill(' ');
    this.styles = new Array<Style | undefined>(width).fill(undefined);
  }

  /** Writes `text` from column `x`; returns the column after it. */
  put(x: number, text: string, style?: Style): number {
    let col = x;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      // Indexing by UTF-16 unit keeps the common (BMP) case free of iterator and string allocations.
      const surrogate = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length;
      const ch = surrogate ? text.slice(i, i + 2) : text[i]!;
      if (surrogate) i++;
      const w = surrogate ? charWidth(ch.codePointAt(0)!) : charWidth(code);
      if (w === 0) continue;
      if (col >= 0 && col + w <= this.width) {
        this.clearAt(col);
        this.chars[col] = ch;
        this.styles[col] = style;
        if (w === 2) {
          this.clearAt(col + 1);
          this.chars[col + 1] = CONTINUED;
          this.styles[col + 1] = style;
        }
      }
      col += w;
    }
    return col;
  }

  /** Repeats one character over columns [from, to). */
  fill(from: number, to: number, ch: string, style?: Style): void {
    if (charWidth(ch.codePointAt(0)!) !== 1 || ch.length !== 1) {
      for (let x = Math.max(0, from); x < Math.min(to, this.width); x++) this.put(x, ch, style);
      return;
    }
    const end = Math.min(to, this.width);
    for (let x = Math.max(0, from); x < end; x++) {
      this.clearAt(x);
      this.chars[x] = ch;
      this.styles[x] = style;
    }
  }

  /** Writes `text` so that it ends just before column `end`; returns the column it starts at. */
  putEndingAt(end: number, text: string, style?: Style): number {
    const start = end - textWidth(text);
    this.put(start, text, style);
    return start;
  }

  /** The character at a column (for tests and for drawing decisions). */
  at(x: number): string {
    return this.chars[x] ?? '';
  }

  /** Overwriting half of a wide character blanks its other half, so no line ever grows. */
  private clearAt(x: number): void {
    if (this.chars[x] === CONTINUED && x > 0) this.chars[x - 1] = ' ';
    else if (this.chars[x + 1] === CONTINUED) this.chars[x + 1] = ' ';
  }

  render(paint: Paint): string {
    let end = this.width;
    while (end > 0 && this.chars[end - 1] === ' ') end--;
    let out = '';
    let run = '';
    let runStyle: Style | undefined;
    for (let x = 0; x < end; x++) {
      const s = this.chars[x] === ' ' ? undefined : this.styles[x];
      if (s !== runStyle) {
        out += paint(runStyle, run);
        run = '';
        runStyle = s;
      }
      run += this.chars[x];
    }
    return out + paint(runStyle, run);
  }
}
